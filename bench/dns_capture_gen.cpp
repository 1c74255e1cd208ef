// dns_capture_gen: writes the DNS benchmark capture (issue 6 section 3): N DNS transactions
// (default 1 million) between 1000 clients and 20 servers, mixed UDP and TCP (default 10 %
// over TCP: handshake, length-prefixed query and response, FINs), 1 % unanswered (with one
// retransmission a second later), IPv4 and IPv6, EDNS on half the queries, answers of
// A/AAAA/CNAME+A/MX/TXT, 5 % NXDOMAIN with the zone's SOA. Seeded, so every run writes the
// same bytes. Frames carry correct IP/UDP/TCP checksums.
//
//   build/<dir>/bench/dns_capture_gen -o build/bench-data/dns.pcap [-n 1000000]
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdint>
#include <queue>
#include <random>
#include <string>
#include <vector>

#include "pktscope/capture.hpp"
#include "pktscope/checksum.hpp"

namespace {

using bytes = std::vector<std::uint8_t>;

void put16(bytes& b, std::uint16_t v) {
    b.push_back(static_cast<std::uint8_t>(v >> 8));
    b.push_back(static_cast<std::uint8_t>(v));
}
void put32(bytes& b, std::uint32_t v) {
    put16(b, static_cast<std::uint16_t>(v >> 16));
    put16(b, static_cast<std::uint16_t>(v));
}
void set16(bytes& b, std::size_t at, std::uint16_t v) {
    b[at] = static_cast<std::uint8_t>(v >> 8);
    b[at + 1] = static_cast<std::uint8_t>(v);
}

struct address {
    bool v6 = false;
    std::array<std::uint8_t, 16> octets{};
};

struct endpoint {
    address host;
    std::uint16_t port = 0;
    std::array<std::uint8_t, 6> mac{};
};

// --- DNS messages -------------------------------------------------------------------------

void put_name(bytes& b, const std::string& name) {
    std::size_t start = 0;
    while (start < name.size()) {
        std::size_t dot = name.find('.', start);
        if (dot == std::string::npos) dot = name.size();
        b.push_back(static_cast<std::uint8_t>(dot - start));
        b.insert(b.end(), name.begin() + static_cast<std::ptrdiff_t>(start),
                 name.begin() + static_cast<std::ptrdiff_t>(dot));
        start = dot + 1;
    }
    b.push_back(0);
}

bytes dns_query(std::uint16_t id, const std::string& name, std::uint16_t qtype, bool edns) {
    bytes b;
    put16(b, id);
    put16(b, 0x0100);  // RD
    put16(b, 1);
    put16(b, 0);
    put16(b, 0);
    put16(b, edns ? 1 : 0);
    put_name(b, name);
    put16(b, qtype);
    put16(b, 1);
    if (edns) {
        b.push_back(0);  // root owner
        put16(b, 41);
        put16(b, 1232);
        put32(b, 0);
        put16(b, 0);
    }
    return b;
}

enum class answer_kind { a, aaaa, cname_a, mx, txt, nxdomain };

bytes dns_response(std::uint16_t id, const std::string& name, std::uint16_t qtype, bool edns,
                   answer_kind kind, std::uint32_t seed) {
    bytes b;
    const bool nx = kind == answer_kind::nxdomain;
    const std::uint16_t answers = nx ? 0 : (kind == answer_kind::cname_a ? 2 : 1 + seed % 2);
    put16(b, id);
    put16(b, static_cast<std::uint16_t>(0x8580 | (nx ? 3 : 0)));  // QR AA RD RA
    put16(b, 1);
    put16(b, answers);
    put16(b, nx ? 1 : 0);
    put16(b, edns ? 1 : 0);
    put_name(b, name);
    put16(b, qtype);
    put16(b, 1);
    const std::uint16_t question_name = 12;  // compression pointer target
    for (std::uint16_t i = 0; i < answers; ++i) {
        put16(b, 0xc000 | question_name);
        if (kind == answer_kind::cname_a && i == 0) {
            put16(b, 5);
            put16(b, 1);
            put32(b, 300);
            bytes target;
            put_name(target, "edge" + std::to_string(seed % 97) + ".cdn.test");
            put16(b, static_cast<std::uint16_t>(target.size()));
            b.insert(b.end(), target.begin(), target.end());
            continue;
        }
        const answer_kind k = kind == answer_kind::cname_a ? answer_kind::a : kind;
        switch (k) {
            case answer_kind::aaaa:
                put16(b, 28);
                put16(b, 1);
                put32(b, 300);
                put16(b, 16);
                put32(b, 0x20010db8);
                put32(b, seed);
                put32(b, i);
                put32(b, 1);
                break;
            case answer_kind::mx:
                put16(b, 15);
                put16(b, 1);
                put32(b, 3600);
                put16(b, 2 + 6);
                put16(b, static_cast<std::uint16_t>(10 * (i + 1)));
                b.insert(b.end(), {3, 'm', 'x', static_cast<std::uint8_t>('0' + i)});
                put16(b, 0xc000 | question_name);
                break;
            case answer_kind::txt: {
                const std::string text = "v=spf1 include:_spf.example.test ~all";
                put16(b, 16);
                put16(b, 1);
                put32(b, 3600);
                put16(b, static_cast<std::uint16_t>(text.size() + 1));
                b.push_back(static_cast<std::uint8_t>(text.size()));
                b.insert(b.end(), text.begin(), text.end());
                break;
            }
            default:
                put16(b, 1);
                put16(b, 1);
                put32(b, 300);
                put16(b, 4);
                put32(b, 0xc6336400U | ((seed + i) & 0xffU));  // 198.51.100.x
        }
    }
    if (nx) {
        put16(b, 0xc000 | static_cast<std::uint16_t>(12 + name.find('.') + 1));  // the zone
        put16(b, 6);
        put16(b, 1);
        put32(b, 900);
        bytes soa;
        put_name(soa, "ns1.example.test");
        put_name(soa, "hostmaster.example.test");
        put32(soa, 2024010101);
        put32(soa, 7200);
        put32(soa, 900);
        put32(soa, 1209600);
        put32(soa, 900);
        put16(b, static_cast<std::uint16_t>(soa.size()));
        b.insert(b.end(), soa.begin(), soa.end());
    }
    if (edns) {
        b.push_back(0);
        put16(b, 41);
        put16(b, 1232);
        put32(b, 0);
        put16(b, 0);
    }
    return b;
}

// --- Ethernet / IP / UDP / TCP ------------------------------------------------------------

bytes frame_of(const endpoint& from, const endpoint& to, std::uint8_t protocol, const bytes& l4) {
    bytes f;
    f.insert(f.end(), to.mac.begin(), to.mac.end());
    f.insert(f.end(), from.mac.begin(), from.mac.end());
    put16(f, from.host.v6 ? 0x86dd : 0x0800);
    const std::size_t l4_at = f.size() + (from.host.v6 ? 40 : 20);
    std::uint16_t pseudo;
    if (from.host.v6) {
        put32(f, 0x60000000);
        put16(f, static_cast<std::uint16_t>(l4.size()));
        f.push_back(protocol);
        f.push_back(64);
        f.insert(f.end(), from.host.octets.begin(), from.host.octets.end());
        f.insert(f.end(), to.host.octets.begin(), to.host.octets.end());
        pseudo = pktscope::pseudo_header_sum(pktscope::ipv6_address{from.host.octets},
                                             pktscope::ipv6_address{to.host.octets}, protocol,
                                             static_cast<std::uint32_t>(l4.size()));
    } else {
        const std::size_t ip_at = f.size();
        f.push_back(0x45);
        f.push_back(0);
        put16(f, static_cast<std::uint16_t>(20 + l4.size()));
        put16(f, 0);
        put16(f, 0x4000);
        f.push_back(64);
        f.push_back(protocol);
        put16(f, 0);
        f.insert(f.end(), from.host.octets.begin(), from.host.octets.begin() + 4);
        f.insert(f.end(), to.host.octets.begin(), to.host.octets.begin() + 4);
        const auto header = pktscope::as_bytes_of(f.data() + ip_at, 20);
        set16(f, ip_at + 10, static_cast<std::uint16_t>(~pktscope::ones_complement_sum(header)));
        auto v4 = [](const address& a) {
            return pktscope::ipv4_address{std::uint32_t{a.octets[0]} << 24 |
                                          std::uint32_t{a.octets[1]} << 16 |
                                          std::uint32_t{a.octets[2]} << 8 | a.octets[3]};
        };
        pseudo = pktscope::pseudo_header_sum(v4(from.host), v4(to.host), protocol,
                                             static_cast<std::uint32_t>(l4.size()));
    }
    f.insert(f.end(), l4.begin(), l4.end());
    const std::size_t sum_at = l4_at + (protocol == 17 ? 6 : 16);
    const std::uint16_t sum = static_cast<std::uint16_t>(~pktscope::ones_complement_add(
        pseudo, pktscope::ones_complement_sum(pktscope::as_bytes_of(f.data() + l4_at, l4.size()))));
    set16(f, sum_at, protocol == 17 && sum == 0 ? 0xffff : sum);
    return f;
}

bytes udp_frame(const endpoint& from, const endpoint& to, const bytes& payload) {
    bytes u;
    put16(u, from.port);
    put16(u, to.port);
    put16(u, static_cast<std::uint16_t>(8 + payload.size()));
    put16(u, 0);
    u.insert(u.end(), payload.begin(), payload.end());
    return frame_of(from, to, 17, u);
}

bytes tcp_frame(const endpoint& from, const endpoint& to, std::uint32_t seq, std::uint32_t ack,
                std::uint8_t flags, const bytes& payload = {}) {
    bytes t;
    put16(t, from.port);
    put16(t, to.port);
    put32(t, seq);
    put32(t, ack);
    t.push_back(0x50);
    t.push_back(flags);
    put16(t, 65160);
    put16(t, 0);
    put16(t, 0);
    t.insert(t.end(), payload.begin(), payload.end());
    return frame_of(from, to, 6, t);
}

// --- the traffic ---------------------------------------------------------------------------

struct timed_frame {
    std::int64_t ts_ns;
    std::uint64_t order;  // ties keep generation order
    bytes data;
    bool operator>(const timed_frame& o) const {
        return ts_ns != o.ts_ns ? ts_ns > o.ts_ns : order > o.order;
    }
};

struct generator {
    std::mt19937_64 rng;
    std::vector<endpoint> clients, servers;
    std::vector<std::string> names;
    std::priority_queue<timed_frame, std::vector<timed_frame>, std::greater<>> pending;
    std::uint64_t order = 0;

    explicit generator(std::uint64_t seed) : rng(seed) {
        for (int i = 0; i < 1000; ++i) {
            endpoint c;
            c.host.v6 = i % 10 == 9;
            if (c.host.v6) {
                c.host.octets = {0xfd,
                                 0x00,
                                 0,
                                 0x53,
                                 0,
                                 0,
                                 0,
                                 0,
                                 0,
                                 0,
                                 0,
                                 0,
                                 0,
                                 0,
                                 static_cast<std::uint8_t>(i >> 8),
                                 static_cast<std::uint8_t>(i)};
            } else {
                c.host.octets = {10, 1, static_cast<std::uint8_t>(i >> 8),
                                 static_cast<std::uint8_t>(i)};
            }
            c.mac = {
                0x02, 0, 0, 0, static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i)};
            clients.push_back(c);
        }
        for (int i = 0; i < 20; ++i) {
            endpoint s;
            s.port = 53;
            s.mac = {0x02, 0x53, 0, 0, 0, static_cast<std::uint8_t>(i)};
            servers.push_back(s);
        }
        for (int i = 0; i < 5000; ++i)
            names.push_back(fmt::format("host{}.zone{}.example.test", i, i % 50));
    }

    void emit(std::int64_t ts, bytes data) { pending.push({ts, order++, std::move(data)}); }

    // A server of the client's family.
    endpoint server_for(const endpoint& client, std::size_t pick) {
        endpoint s = servers[pick % servers.size()];
        s.host.v6 = client.host.v6;
        if (s.host.v6)
            s.host.octets = {
                0xfd, 0x00, 0, 0x53, 0, 0, 0,    0,
                0,    0,    0, 0,    0, 0, 0x05, static_cast<std::uint8_t>(pick % servers.size())};
        else
            s.host.octets = {192, 0, 2, static_cast<std::uint8_t>(1 + pick % servers.size())};
        return s;
    }

    void transaction(std::uint64_t index, std::int64_t start, bool tcp, bool unanswered) {
        endpoint client = clients[rng() % clients.size()];
        client.port = static_cast<std::uint16_t>(1024 + rng() % 64000);
        const endpoint server = server_for(client, static_cast<std::size_t>(rng()));
        // Zipf-like popularity: a few names are asked very often.
        const double u = std::uniform_real_distribution<double>(0, 1)(rng);
        const std::string& name =
            names[static_cast<std::size_t>(std::pow(u, 3.0) * static_cast<double>(names.size()))];
        const auto id = static_cast<std::uint16_t>(rng());
        const bool edns = rng() % 2 == 0;
        const std::uint32_t pick = static_cast<std::uint32_t>(rng() % 100);
        answer_kind kind = answer_kind::a;
        std::uint16_t qtype = 1;
        if (pick < 5)
            kind = answer_kind::nxdomain;
        else if (pick < 25)
            kind = answer_kind::aaaa, qtype = 28;
        else if (pick < 40)
            kind = answer_kind::cname_a;
        else if (pick < 45)
            kind = answer_kind::mx, qtype = 15;
        else if (pick < 50)
            kind = answer_kind::txt, qtype = 16;
        const bytes query = dns_query(id, name, qtype, edns);
        const std::int64_t latency = 200'000 + static_cast<std::int64_t>(rng() % 20'000'000);
        if (!tcp) {
            emit(start, udp_frame(client, server, query));
            if (unanswered) {
                emit(start + 1'000'000'000, udp_frame(client, server, query));  // one retry
                return;
            }
            emit(start + latency, udp_frame(server, client,
                                            dns_response(id, name, qtype, edns, kind,
                                                         static_cast<std::uint32_t>(index))));
            return;
        }
        const std::uint32_t cs = static_cast<std::uint32_t>(rng()),
                            ss = static_cast<std::uint32_t>(rng());
        const std::int64_t rtt = 100'000;
        bytes q = query,
              r = dns_response(id, name, qtype, edns, kind, static_cast<std::uint32_t>(index));
        bytes q_framed, r_framed;
        put16(q_framed, static_cast<std::uint16_t>(q.size()));
        q_framed.insert(q_framed.end(), q.begin(), q.end());
        put16(r_framed, static_cast<std::uint16_t>(r.size()));
        r_framed.insert(r_framed.end(), r.begin(), r.end());
        const auto qn = static_cast<std::uint32_t>(q_framed.size());
        const auto rn = static_cast<std::uint32_t>(r_framed.size());
        std::int64_t t = start;
        emit(t, tcp_frame(client, server, cs, 0, 0x02));
        emit(t += rtt, tcp_frame(server, client, ss, cs + 1, 0x12));
        emit(t += rtt, tcp_frame(client, server, cs + 1, ss + 1, 0x10));
        emit(t += 1000, tcp_frame(client, server, cs + 1, ss + 1, 0x18, q_framed));
        if (unanswered) {
            emit(t + 1'000'000'000, tcp_frame(client, server, cs + 1 + qn, ss + 1, 0x11));
            return;
        }
        emit(t += latency, tcp_frame(server, client, ss + 1, cs + 1 + qn, 0x18, r_framed));
        emit(t += 1000, tcp_frame(client, server, cs + 1 + qn, ss + 1 + rn, 0x11));
        emit(t += rtt, tcp_frame(server, client, ss + 1 + rn, cs + 2 + qn, 0x11));
        emit(t += rtt, tcp_frame(client, server, cs + 2 + qn, ss + 2 + rn, 0x10));
    }
};

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Writes the DNS benchmark capture (seeded, deterministic)"};
    std::string out;
    std::uint64_t transactions = 1'000'000;
    std::uint64_t seed = 6;
    unsigned tcp_percent = 10;
    unsigned unanswered_permille = 10;
    app.add_option("-o,--output", out, "pcap file to write")->required();
    app.add_option("-n,--transactions", transactions, "DNS transactions (default 1000000)");
    app.add_option("--tcp-percent", tcp_percent, "Share over TCP (default 10)");
    app.add_option("--unanswered-permille", unanswered_permille,
                   "Unanswered share in 1/1000 (default 10)");
    app.add_option("--seed", seed, "Random seed (default 6)");
    CLI11_PARSE(app, argc, argv);
    try {
        generator g(seed);
        pktscope::pcap_writer writer(out, pktscope::linktype::en10mb, 65535);
        const std::int64_t t0 = 1'700'000'000'000'000'000;
        std::uint64_t frames = 0, unanswered = 0, tcp = 0;
        auto flush_until = [&](std::int64_t ts) {
            while (!g.pending.empty() && g.pending.top().ts_ns <= ts) {
                const timed_frame& f = g.pending.top();
                pktscope::frame fr;
                fr.ts_ns = f.ts_ns;
                fr.caplen = fr.wirelen = static_cast<std::uint32_t>(f.data.size());
                fr.data = pktscope::as_bytes_of(f.data.data(), f.data.size());
                writer.write(fr);
                ++frames;
                g.pending.pop();
            }
        };
        for (std::uint64_t i = 0; i < transactions; ++i) {
            const std::int64_t start = t0 + static_cast<std::int64_t>(i) * 50'000;  // 20000/s
            flush_until(start - 1);
            const bool is_tcp = g.rng() % 100 < tcp_percent;
            const bool is_unanswered = g.rng() % 1000 < unanswered_permille;
            tcp += is_tcp;
            unanswered += is_unanswered;
            g.transaction(i, start, is_tcp, is_unanswered);
        }
        flush_until(INT64_MAX);
        writer.flush();
        fmt::print("{}: {} frames, {} transactions ({} over TCP, {} unanswered)\n", out, frames,
                   transactions, tcp, unanswered);
    } catch (const std::exception& e) {
        fmt::print(stderr, "dns_capture_gen: {}\n", e.what());
        return 1;
    }
    return 0;
}
