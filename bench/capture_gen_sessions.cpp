#include "capture_gen_sessions.hpp"

#include <algorithm>
#include <array>
#include <string>

namespace pktscope::bench {
namespace {

using step = traffic_generator::step;
using session = traffic_generator::session;

constexpr std::int64_t ns_per_ms = 1'000'000;
constexpr std::int64_t ns_per_s = 1'000'000'000;
constexpr std::size_t concurrent_sessions = 256;
constexpr std::int64_t capture_start_ns = 1'700'000'000 * ns_per_s;  // 2023-11-14

// Tins::TCP flag bits.
constexpr std::uint16_t fin = Tins::TCP::FIN, syn = Tins::TCP::SYN, rst = Tins::TCP::RST,
                        psh = Tins::TCP::PSH, ack = Tins::TCP::ACK;

Tins::IPv4Address v4(std::uint32_t host_order) {
    return Tins::IPv4Address(Tins::Endian::host_to_be(host_order));
}

Tins::IPv6Address v6(std::uint16_t site, std::uint32_t host) {
    std::array<std::uint8_t, 16> b{0x20, 0x01, 0x0d, 0xb8};
    b[4] = static_cast<std::uint8_t>(site >> 8);
    b[5] = static_cast<std::uint8_t>(site);
    for (int i = 0; i < 4; ++i)
        b[static_cast<std::size_t>(12 + i)] = static_cast<std::uint8_t>(host >> (24 - 8 * i));
    return Tins::IPv6Address(b.data());
}

Tins::HWAddress<6> mac(std::uint32_t id) {
    const std::array<std::uint8_t, 6> b{0x02,
                                        0x00,
                                        static_cast<std::uint8_t>(id >> 24),
                                        static_cast<std::uint8_t>(id >> 16),
                                        static_cast<std::uint8_t>(id >> 8),
                                        static_cast<std::uint8_t>(id)};
    return Tins::HWAddress<6>(b.data());
}

// Clients on one LAN (10.1.0.0/16, 2001:db8:1::/48) behind one gateway MAC; servers far away.
host_pair random_hosts(rng& r, bool ipv6, std::uint16_t server_port) {
    host_pair h;
    h.ipv6 = ipv6;
    const auto client = static_cast<std::uint32_t>(r.between(1, 4000));
    const auto server = static_cast<std::uint32_t>(r.between(1, 3000));
    h.client_v4 = v4(0x0a010000U + client);
    h.server_v4 = v4(0xac100000U + server * 7U);  // 172.16.0.0/12
    h.client_v6 = v6(1, client);
    h.server_v6 = v6(0xff, server);
    h.client_mac = mac(client);
    h.server_mac = mac(0x00ffff01);  // the gateway
    h.client_port = static_cast<std::uint16_t>(r.between(32768, 60999));
    h.server_port = server_port;
    h.client_ttl = 64;
    h.server_ttl = static_cast<std::uint8_t>(r.between(44, 60));
    return h;
}

step tcp_step(bool from_client, std::uint16_t flags, std::uint32_t seq, std::uint32_t ack_number,
              std::uint16_t window, std::uint16_t payload_bytes, bool options) {
    step s;
    s.what = step::kind::tcp;
    s.from_client = from_client;
    s.segment.flags = flags;
    s.segment.seq = seq;
    s.segment.ack = ack_number;
    s.segment.window = window;
    s.segment.payload_bytes = payload_bytes;
    s.segment.timestamps = options;
    return s;
}

// A TCP connection: handshake (sometimes refused, unanswered or with a retransmitted SYN),
// request/response rounds, then FIN, RST or nothing (still open at the end of the capture).
// `minimal` keeps every frame at the Ethernet minimum: no options, at most 6 payload bytes.
// `dns_payloads` (query, response) turns it into one DNS-over-TCP exchange.
void tcp_script(rng& r, session& s, bool minimal, const std::vector<std::uint8_t>* dns_query,
                const std::vector<std::uint8_t>* dns_response) {
    const bool options = !minimal;
    const std::uint16_t mss = s.hosts.ipv6 ? 1440 : 1460;
    const std::uint16_t full = options ? static_cast<std::uint16_t>(mss - 12) : 6;
    std::uint32_t cseq = r.u32(), sseq = r.u32();
    auto& steps = s.steps;

    step syn_step = tcp_step(true, syn, cseq, 0, 64240, 0, false);
    syn_step.segment.syn_options = options;
    syn_step.segment.mss = mss;
    steps.push_back(syn_step);
    const std::uint64_t fate = dns_query != nullptr ? 99 : r.below(100);
    if (fate < 3) {  // refused: RST-ACK from the server
        step refusal = tcp_step(false, rst | ack, 0, cseq + 1, 0, 0, false);
        refusal.min_gap_ns = static_cast<std::int64_t>(r.between(1, 40)) * ns_per_ms;
        steps.push_back(refusal);
        return;
    }
    if (fate < 8) {  // retransmitted SYN (1 s later); unanswered for the first 2 of these 5
        syn_step.min_gap_ns = ns_per_s;
        steps.push_back(syn_step);
        if (fate < 5) {
            syn_step.min_gap_ns = 2 * ns_per_s;
            steps.push_back(syn_step);
            return;
        }
    }
    step synack = tcp_step(false, syn | ack, sseq, cseq + 1, 65160, 0, false);
    synack.segment.syn_options = options;
    synack.segment.mss = mss;
    synack.min_gap_ns = static_cast<std::int64_t>(r.between(1, 60)) * ns_per_ms;
    steps.push_back(synack);
    ++cseq;
    ++sseq;
    steps.push_back(tcp_step(true, ack, cseq, sseq, 502, 0, options));

    auto client_sends = [&](std::uint16_t bytes) {
        steps.push_back(tcp_step(true, psh | ack, cseq, sseq, 502, bytes, options));
        cseq += bytes;
    };
    auto server_sends = [&](std::uint32_t bytes) {
        std::uint32_t segments = 0;
        while (bytes > 0) {
            const auto n = static_cast<std::uint16_t>(std::min<std::uint32_t>(bytes, full));
            bytes -= n;
            steps.push_back(
                tcp_step(false, bytes == 0 ? psh | ack : ack, sseq, cseq, 509, n, options));
            sseq += n;
            // Delayed ACK: every second full segment and after the last one; now and then
            // the ACK reports a hole with SACK blocks.
            if (++segments % 2 == 0 || bytes == 0) {
                step a = tcp_step(true, ack, cseq, sseq, 502, 0, options);
                if (options && r.chance(0.02))
                    a.segment.sack_blocks = static_cast<std::uint8_t>(r.between(1, 2));
                steps.push_back(a);
            }
        }
    };

    if (dns_query != nullptr) {
        step q = tcp_step(true, psh | ack, cseq, sseq, 502, 0, options);
        q.payload = *dns_query;
        steps.push_back(q);
        cseq += static_cast<std::uint32_t>(dns_query->size());
        step a = tcp_step(false, psh | ack, sseq, cseq, 509, 0, options);
        a.payload = *dns_response;
        a.min_gap_ns = static_cast<std::int64_t>(r.between(1, 30)) * ns_per_ms;
        steps.push_back(a);
        sseq += static_cast<std::uint32_t>(dns_response->size());
        steps.push_back(tcp_step(true, ack, cseq, sseq, 502, 0, options));
    } else if (s.hosts.server_port == 22) {  // interactive: keystrokes and echoes
        const auto rounds = r.between(5, 40);
        for (std::uint64_t i = 0; i < rounds; ++i) {
            client_sends(minimal ? static_cast<std::uint16_t>(r.between(1, 6))
                                 : static_cast<std::uint16_t>(r.between(36, 100)));
            server_sends(minimal ? static_cast<std::uint32_t>(r.between(1, 6))
                                 : static_cast<std::uint32_t>(r.between(36, 300)));
        }
    } else {  // request/response: small request, a response of a few full segments
        const auto rounds = r.between(1, 6);
        for (std::uint64_t i = 0; i < rounds; ++i) {
            client_sends(minimal ? static_cast<std::uint16_t>(r.between(1, 6))
                                 : static_cast<std::uint16_t>(r.between(200, 900)));
            // Mostly short responses, some long ones (a skewed size distribution).
            const std::uint64_t segments = r.chance(0.55) ? r.between(1, 3) : r.between(4, 22);
            server_sends(static_cast<std::uint32_t>(segments * full - r.below(full)));
        }
    }

    const std::uint64_t end = r.below(100);
    if (end < 60) {  // orderly close by the client
        steps.push_back(tcp_step(true, fin | ack, cseq, sseq, 502, 0, options));
        steps.push_back(tcp_step(false, fin | ack, sseq, cseq + 1, 509, 0, options));
        steps.push_back(tcp_step(true, ack, cseq + 1, sseq + 1, 502, 0, options));
    } else if (end < 85) {  // orderly close by the server
        steps.push_back(tcp_step(false, fin | ack, sseq, cseq, 509, 0, options));
        steps.push_back(tcp_step(true, fin | ack, cseq, sseq + 1, 502, 0, options));
        steps.push_back(tcp_step(false, ack, sseq + 1, cseq + 1, 509, 0, options));
    } else if (end < 95) {  // abort
        const bool by_client = r.chance(0.5);
        steps.push_back(tcp_step(by_client, rst | ack, by_client ? cseq : sseq,
                                 by_client ? sseq : cseq, 0, 0, false));
    }  // else still open when the capture ends
}

std::string random_name(rng& r) {
    static constexpr std::array<const char*, 10> hosts = {
        "www", "api", "mail", "cdn", "img", "static", "login", "m", "ns1", "updates"};
    static constexpr std::array<const char*, 4> tlds = {"com", "net", "org", "io"};
    return std::string(hosts[r.below(hosts.size())]) + ".site" + std::to_string(r.below(5000)) +
           ".example." + tlds[r.below(tlds.size())];
}

std::string v4_text(std::uint32_t host_order) {
    return v4(host_order).to_string();
}

// A query and its response (A / AAAA / MX, sometimes behind a CNAME, sometimes NXDOMAIN).
std::pair<dns_message_spec, dns_message_spec> dns_exchange(rng& r) {
    dns_message_spec q;
    q.id = r.u16();
    q.qname = random_name(r);
    const std::uint64_t t = r.below(100);
    q.qtype = t < 60 ? Tins::DNS::A : t < 92 ? Tins::DNS::AAAA : Tins::DNS::MX;
    q.edns = r.chance(0.5);
    dns_message_spec a = q;
    a.response = true;
    if (r.chance(0.05)) {
        a.rcode = 3;  // NXDOMAIN
        return {q, a};
    }
    std::string owner = q.qname;
    if (r.chance(0.3)) {
        const std::string target = "edge" + std::to_string(r.below(400)) + ".cdn.example.net";
        a.answers.push_back(
            {owner, Tins::DNS::CNAME, static_cast<std::uint32_t>(r.between(60, 3600)), target});
        owner = target;
    }
    const auto count = r.between(1, 4);
    for (std::uint64_t i = 0; i < count; ++i) {
        const auto ttl = static_cast<std::uint32_t>(r.between(30, 600));
        if (q.qtype == Tins::DNS::A)
            a.answers.push_back({owner, Tins::DNS::A, ttl, v4_text(0xc6336400U + r.u32() % 256)});
        else if (q.qtype == Tins::DNS::AAAA)
            a.answers.push_back({owner, Tins::DNS::AAAA, ttl, v6(0xcafe, r.u32()).to_string()});
        else
            a.answers.push_back(
                {owner, Tins::DNS::MX, ttl, "mx" + std::to_string(i + 1) + "." + q.qname});
    }
    return {q, a};
}

step udp_step(bool from_client, std::vector<std::uint8_t> payload, std::int64_t gap_ns) {
    step s;
    s.what = step::kind::udp;
    s.from_client = from_client;
    s.payload = std::move(payload);
    s.min_gap_ns = gap_ns;
    return s;
}

// DNS over UDP to one of a few resolvers: answered, NXDOMAIN, retried or unanswered.
void dns_script(rng& r, session& s) {
    const auto [query, response] = dns_exchange(r);
    const std::uint64_t fate = r.below(100);
    s.steps.push_back(udp_step(true, dns_wire_bytes(query), 0));
    if (fate < 3) return;                                                              // unanswered
    if (fate < 8) s.steps.push_back(udp_step(true, dns_wire_bytes(query), ns_per_s));  // retry
    s.steps.push_back(udp_step(false, dns_wire_bytes(response),
                               static_cast<std::int64_t>(r.between(1, 40)) * ns_per_ms));
}

// Length-prefixed DNS message for TCP (RFC 1035 4.2.2).
std::vector<std::uint8_t> tcp_framed(const std::vector<std::uint8_t>& message) {
    std::vector<std::uint8_t> out(message.size() + 2);
    out[0] = static_cast<std::uint8_t>(message.size() >> 8);
    out[1] = static_cast<std::uint8_t>(message.size());
    std::copy(message.begin(), message.end(), out.begin() + 2);
    return out;
}

// QUIC-like bursts on 443 and NTP exchanges on 123.
void udp_script(rng& r, session& s, std::uint16_t port) {
    if (port == 123) {
        s.steps.push_back(udp_step(true, std::vector<std::uint8_t>(48, 0x23), 0));
        s.steps.push_back(udp_step(false, std::vector<std::uint8_t>(48, 0x24), 20 * ns_per_ms));
        return;
    }
    const auto datagrams = r.between(4, 30);
    for (std::uint64_t i = 0; i < datagrams; ++i) {
        const bool from_client = i == 0 || r.chance(0.4);
        const auto size = from_client && i != 0 ? r.between(30, 90) : r.between(1200, 1350);
        s.steps.push_back(
            udp_step(from_client, std::vector<std::uint8_t>(size, 0x40 | (i & 0xf)), 0));
    }
}

void icmp_echo_script(rng& r, session& s) {
    s.echo_identifier = r.u16();
    const auto pings = r.between(1, 5);
    for (std::uint16_t i = 1; i <= pings; ++i) {
        step request;
        request.what = step::kind::icmp_echo;
        request.echo_sequence = i;
        request.min_gap_ns = i == 1 ? 0 : ns_per_s;
        s.steps.push_back(request);
        step reply = request;
        reply.from_client = false;
        reply.min_gap_ns = static_cast<std::int64_t>(r.between(1, 50)) * ns_per_ms;
        s.steps.push_back(reply);
    }
}

// A traceroute-style UDP probe answered by time exceeded (a router) or port unreachable.
void icmp_error_script(rng& r, session& s) {
    s.steps.push_back(udp_step(true, std::vector<std::uint8_t>(32, 0x54), 0));
    step error;
    error.what = step::kind::icmp_error;
    error.from_client = false;
    error.time_exceeded = r.chance(0.6);
    error.payload = s.steps.front().payload;
    error.min_gap_ns = static_cast<std::int64_t>(r.between(1, 30)) * ns_per_ms;
    s.steps.push_back(error);
    s.reporter = error.time_exceeded ? v4(0x0a0000fe) : s.hosts.server_v4;
}

}  // namespace

traffic_generator::traffic_generator(capture_profile profile, std::uint64_t seed)
    : profile_(profile), rng_(seed), clock_ns_(capture_start_ns), filler_(1500) {
    for (std::size_t i = 0; i < filler_.size(); ++i)
        filler_[i] = static_cast<std::uint8_t>("pktscope benchmark payload; "[i % 28]);
    sessions_.reserve(concurrent_sessions);
    for (std::size_t i = 0; i < concurrent_sessions; ++i) sessions_.push_back(new_session());
}

traffic_generator::session traffic_generator::new_session() {
    session s;
    rng& r = rng_;
    s.ready_ns = clock_ns_;
    s.client_ts_offset_ms = r.u32();
    s.server_ts_offset_ms = r.u32();
    if (profile_ == capture_profile::minimum_tcp) {
        s.hosts = random_hosts(r, false, r.chance(0.3) ? 22 : 443);
        tcp_script(r, s, true, nullptr, nullptr);
        ++counts_.tcp_connections;
        return s;
    }
    const std::uint64_t kind = r.below(100);
    const bool ipv6 = r.chance(kind < 38 ? 0.09 : 0.2);
    if (kind < 38) {  // TCP: web mostly, some SSH
        static constexpr std::array<std::uint16_t, 5> ports = {443, 443, 80, 8080, 22};
        s.hosts = random_hosts(r, ipv6, ports[r.below(ports.size())]);
        tcp_script(r, s, false, nullptr, nullptr);
        ++counts_.tcp_connections;
    } else if (kind < 86) {  // DNS, mostly UDP
        s.hosts = random_hosts(r, ipv6, 53);
        s.hosts.server_v4 =
            v4(0x0a000035U + static_cast<std::uint32_t>(r.below(2)));  // 10.0.0.53/54
        s.hosts.server_v6 = v6(0x0001, 0x53);
        s.is_dns = true;
        if (r.chance(0.03)) {
            const auto [query, response] = dns_exchange(r);
            const auto q = tcp_framed(dns_wire_bytes(query)),
                       a = tcp_framed(dns_wire_bytes(response));
            tcp_script(r, s, false, &q, &a);
            ++counts_.tcp_connections;
        } else {
            dns_script(r, s);
        }
        ++counts_.dns_transactions;
    } else if (kind < 93) {
        s.hosts = random_hosts(r, ipv6, r.chance(0.7) ? 443 : 123);
        udp_script(r, s, s.hosts.server_port);
    } else if (kind < 98) {
        s.hosts = random_hosts(r, ipv6, 0);
        icmp_echo_script(r, s);
    } else {
        s.hosts = random_hosts(r, false, static_cast<std::uint16_t>(r.between(33434, 33534)));
        icmp_error_script(r, s);
    }
    if (r.chance(0.05)) s.hosts.vlan_id = static_cast<std::uint16_t>(r.between(100, 110));
    return s;
}

void traffic_generator::next(generated_frame& out) {
    // Packets arrive 2-38 us apart (20 us on average); a conversation waits for its next step's
    // minimum gap (a round trip, a retransmission timeout).
    clock_ns_ += static_cast<std::int64_t>(rng_.between(2'000, 38'000));
    for (;;) {
        for (int attempt = 0; attempt < 32; ++attempt) {
            session& s = sessions_[rng_.below(sessions_.size())];
            if (s.ready_ns > clock_ns_) continue;
            emit(s, out);
            if (s.next == s.steps.size())
                s = new_session();
            else
                s.ready_ns = clock_ns_ + s.steps[s.next].min_gap_ns;
            return;
        }
        std::int64_t earliest = INT64_MAX;
        for (const session& s : sessions_) earliest = std::min(earliest, s.ready_ns);
        clock_ns_ = std::max(clock_ns_, earliest);
    }
}

void traffic_generator::emit(session& s, generated_frame& out) {
    step& st = s.steps[s.next++];
    if (profile_ == capture_profile::mixed) {
        if (rng_.chance(0.001))
            st.spoiled = spoil::transport;
        else if (rng_.chance(0.0003))
            st.spoiled = spoil::ipv4_header;
    }
    const auto now_ms = static_cast<std::uint32_t>(clock_ns_ / ns_per_ms);
    out.ts_ns = clock_ns_;
    switch (st.what) {
        case step::kind::tcp: {
            std::uint32_t& own = st.from_client ? s.last_client_tsval : s.last_server_tsval;
            const std::uint32_t peer = st.from_client ? s.last_server_tsval : s.last_client_tsval;
            own = now_ms + (st.from_client ? s.client_ts_offset_ms : s.server_ts_offset_ms);
            // The first SYN has no echo to report (TSecr 0, RFC 7323 3.2).
            const std::uint32_t echo = (st.segment.flags & syn) && st.from_client ? 0 : peer;
            out.bytes = tcp_frame(s.hosts, st.from_client, st.segment, own, echo, filler_,
                                  st.payload, st.spoiled);
            if (s.hosts.ipv6)
                ++counts_.tcp_v6;
            else
                ++counts_.tcp_v4;
            break;
        }
        case step::kind::udp:
            out.bytes = udp_frame(s.hosts, st.from_client, st.payload, st.spoiled);
            if (s.is_dns)
                ++counts_.udp_dns;
            else
                ++counts_.udp_other;
            break;
        case step::kind::icmp_echo:
            out.bytes = icmp_echo_frame(s.hosts, st.from_client, s.echo_identifier,
                                        st.echo_sequence, filler_, st.spoiled);
            ++counts_.icmp;
            break;
        case step::kind::icmp_error:
            out.bytes = icmp_error_frame(s.hosts, st.time_exceeded, s.reporter, st.payload);
            ++counts_.icmp;
            break;
    }
    ++counts_.packets;
    counts_.bytes += out.bytes.size();
    if (s.hosts.vlan_id != 0) ++counts_.vlan;
    if (st.spoiled != spoil::none) ++counts_.spoiled_checksums;
}

}  // namespace pktscope::bench
