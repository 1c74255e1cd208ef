// Differential test against libtins: packets crafted and serialized by libtins (random
// addresses, ports, flags, seq/ack, TTL/hop limit, TCP options, UDP, ICMP/ICMPv6, DNS queries
// and answers with random names) are decoded by decode(), and every value read back must be
// the one libtins was given. Checksums are libtins' own: ours must call them ok and report
// the value libtins wrote; a corrupted copy must be bad, with the value libtins computes for
// the corrupted bytes as the expected one. Seeded, so a failure reproduces.
#include <gtest/gtest.h>
#include <tins/tins.h>

#include <array>
#include <map>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "pktscope/address.hpp"
#include "pktscope/decode.hpp"

namespace pktscope {
namespace {

constexpr int packets_per_run = 3000;

class packet_maker {
  public:
    explicit packet_maker(std::uint32_t seed) : rng_(seed) {}

    template <class T>
    T uniform(T low, T high) {
        // uniform_int_distribution is undefined for 8-bit types: draw in 64 bits.
        using wide = std::conditional_t<std::is_signed_v<T>, std::int64_t, std::uint64_t>;
        return static_cast<T>(std::uniform_int_distribution<wide>(low, high)(rng_));
    }
    bool coin() { return uniform<int>(0, 1) == 1; }

    std::array<std::uint8_t, 6> mac() { return bytes<6>(); }
    template <std::size_t N>
    std::array<std::uint8_t, N> bytes() {
        std::array<std::uint8_t, N> out{};
        for (auto& b : out) b = uniform<std::uint8_t>(0, 255);
        return out;
    }
    std::string ipv4_text() {
        return std::to_string(uniform(1, 223)) + "." + std::to_string(uniform(0, 255)) + "." +
               std::to_string(uniform(0, 255)) + "." + std::to_string(uniform(1, 254));
    }
    std::vector<std::uint8_t> payload(std::size_t min_bytes, std::size_t max_bytes) {
        std::vector<std::uint8_t> out(uniform(min_bytes, max_bytes));
        for (auto& b : out) b = uniform<std::uint8_t>(0, 255);
        return out;
    }
    // A DNS name of 1-4 labels of letters, digits, '-' and '_' (printed as is by both sides).
    std::string dns_name() {
        static constexpr std::string_view alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-_";
        std::string name;
        const int labels = uniform(1, 4);
        for (int l = 0; l < labels; ++l) {
            if (l != 0) name += '.';
            const int length = uniform(1, 20);
            for (int i = 0; i < length; ++i)
                name += alphabet[uniform<std::size_t>(0, alphabet.size() - 1)];
        }
        return name;
    }
    std::uint16_t port_not_dns() {
        for (;;) {
            const auto p = uniform<std::uint16_t>(1, 65535);
            if (p != 53 && p != 5353) return p;
        }
    }

  private:
    std::mt19937 rng_;
};

/// What the crafted packet carries, to compare with what decode() reads.
struct expected_dns {
    std::uint16_t id = 0;
    bool response = false;
    bool recursion_desired = false;
    std::string qname;
    std::uint16_t qtype = 0;
    std::vector<std::pair<std::uint16_t, std::string>> answers;  // type, data text
    std::uint32_t ttl = 0;
};

std::string text_of(const ipv4_address& a) {
    return to_string(a);
}
std::string text_of(const ipv6_address& a) {
    return to_string(a);
}
std::string text_of(const mac_address& a) {
    return to_string(a);
}

frame frame_of(const std::vector<std::uint8_t>& bytes) {
    frame f;
    f.linktype = linktype::en10mb;
    f.data = as_bytes_of(bytes.data(), bytes.size());
    f.caplen = f.wirelen = static_cast<std::uint32_t>(bytes.size());
    return f;
}

// libtins' checksum of the transport layer (or of the IPv4 header) after it parses `bytes`
// and serializes them again, which recomputes every checksum.
struct tins_checksums {
    std::uint16_t ip = 0;
    std::uint16_t l4 = 0;
};
tins_checksums recomputed_by_tins(const std::vector<std::uint8_t>& bytes) {
    Tins::EthernetII parsed(bytes.data(), static_cast<std::uint32_t>(bytes.size()));
    const Tins::PDU::serialization_type again = parsed.serialize();
    const Tins::EthernetII reparsed(again.data(), static_cast<std::uint32_t>(again.size()));
    tins_checksums out;
    if (const auto* ip = reparsed.find_pdu<Tins::IP>()) out.ip = ip->checksum();
    if (const auto* tcp = reparsed.find_pdu<Tins::TCP>())
        out.l4 = tcp->checksum();
    else if (const auto* udp = reparsed.find_pdu<Tins::UDP>())
        out.l4 = udp->checksum();
    else if (const auto* icmp = reparsed.find_pdu<Tins::ICMP>())
        out.l4 = icmp->checksum();
    else if (const auto* icmp6 = reparsed.find_pdu<Tins::ICMPv6>())
        out.l4 = icmp6->checksum();
    return out;
}

class TinsDifferentialTest : public ::testing::Test {
  protected:
    packet_maker make{20241123};
    std::size_t offloaded_after_corruption = 0;
    // What the run covered, printed at the end: packets per kind, options, DNS answers.
    std::map<std::string, std::size_t> covered;

    void check_dns(const decoded_packet& p, const expected_dns& want) {
        ASSERT_TRUE(p.dns);
        const dns_message& m = p.dns->message;
        EXPECT_TRUE(p.dns->complete);
        EXPECT_EQ(m.id(), want.id);
        EXPECT_EQ(m.qr(), want.response);
        EXPECT_EQ(m.opcode(), 0);
        EXPECT_EQ(m.rd(), want.recursion_desired);
        EXPECT_EQ(m.qdcount(), 1);
        EXPECT_EQ(m.ancount(), want.answers.size());
        dns_walker walker(m);
        dns_question q;
        ASSERT_TRUE(walker.next_question(q));
        dns_name_text name;
        ASSERT_TRUE(read_dns_name(m.bytes(), q.name_offset, &name));
        EXPECT_EQ(name.view(), want.qname);
        EXPECT_EQ(q.qtype, want.qtype);
        EXPECT_EQ(q.qclass, 1);  // IN
        for (const auto& [type, data] : want.answers) {
            dns_record r;
            ASSERT_TRUE(walker.next_record(r));
            EXPECT_EQ(r.type, type);
            EXPECT_EQ(r.rrclass, 1);
            EXPECT_EQ(r.ttl, want.ttl);
            dns_name_text owner;
            ASSERT_TRUE(read_dns_name(m.bytes(), r.name_offset, &owner));
            EXPECT_EQ(owner.view(), want.qname);
            dns_rdata_text text;
            EXPECT_FALSE(format_dns_rdata(m.bytes(), r, text));
            EXPECT_EQ(text.view(), data);
        }
        EXPECT_FALSE(walker.error());
    }

    // Flips a byte of the transport payload (or, when there is none, of the header outside
    // the checksum) and checks the verdict against libtins' recomputed sum.
    void check_corrupted_l4(std::vector<std::uint8_t> bytes, std::size_t l4_offset,
                            std::size_t l4_length) {
        bytes[l4_offset + l4_length - 1] ^= 0x5a;
        const decoded_packet p = decode(frame_of(bytes));
        const tins_checksums tins = recomputed_by_tins(bytes);
        if (p.l4_checksum.status == checksum_status::offloaded) {
            ++offloaded_after_corruption;  // the carried sum happens to be the pseudo-header sum
            return;
        }
        EXPECT_EQ(p.l4_checksum.status, checksum_status::bad);
        EXPECT_EQ(p.l4_checksum.expected, tins.l4);
        EXPECT_FALSE(p.anomalies.empty());
    }

    void check_corrupted_ipv4_header(std::vector<std::uint8_t> bytes) {
        bytes[14 + 8] ^= 0x01;  // TTL: covered by the header checksum, not by the pseudo-header
        const decoded_packet p = decode(frame_of(bytes));
        const tins_checksums tins = recomputed_by_tins(bytes);
        EXPECT_EQ(p.ipv4_checksum.status, checksum_status::bad);
        EXPECT_EQ(p.ipv4_checksum.expected, tins.ip);
        EXPECT_TRUE(p.anomalies.contains(anomaly::bad_ipv4_checksum));
        EXPECT_EQ(p.l4_checksum.status, checksum_status::ok);
    }

    void run_one(int index);
};

void TinsDifferentialTest::run_one(int index) {
    SCOPED_TRACE("packet " + std::to_string(index));
    const auto src_mac = make.mac();
    const auto dst_mac = make.mac();
    Tins::EthernetII eth(Tins::HWAddress<6>(dst_mac.data()), Tins::HWAddress<6>(src_mac.data()));

    const bool v6 = make.coin();
    const std::string src4 = make.ipv4_text(), dst4 = make.ipv4_text();
    const auto src6 = make.bytes<16>(), dst6 = make.bytes<16>();
    const auto ttl = make.uniform<std::uint8_t>(1, 255);
    const auto ip_id = make.uniform<std::uint16_t>(0, 65535);
    const bool df = make.coin();
    Tins::IP ip(dst4, src4);
    ip.ttl(ttl);
    ip.id(ip_id);
    ip.flags(df ? Tins::IP::DONT_FRAGMENT : Tins::IP::Flags(0));
    Tins::IPv6 ip6{Tins::IPv6Address(dst6.data()), Tins::IPv6Address(src6.data())};
    ip6.hop_limit(ttl);

    enum class l4_kind { tcp, udp, dns, icmp } kind{};
    switch (make.uniform(0, 3)) {
        case 0:
            kind = l4_kind::tcp;
            break;
        case 1:
            kind = l4_kind::udp;
            break;
        case 2:
            kind = l4_kind::dns;
            break;
        default:
            kind = l4_kind::icmp;
            break;
    }

    // Transport layer and its expectations.
    const std::uint16_t sport = make.port_not_dns(), dport = make.port_not_dns();
    const auto payload = make.payload(1, 300);
    Tins::TCP tcp(dport, sport);
    struct {
        std::uint32_t seq = 0, ack = 0;
        std::uint16_t flags = 0, window = 0, urgent = 0;
        std::optional<std::uint16_t> mss;
        std::optional<std::uint8_t> wscale;
        bool sack_ok = false;
        std::optional<std::pair<std::uint32_t, std::uint32_t>> ts;
        std::vector<std::uint32_t> sack;
    } t;
    if (kind == l4_kind::tcp) {
        t.seq = make.uniform<std::uint32_t>(0, 0xffffffff);
        t.ack = make.uniform<std::uint32_t>(0, 0xffffffff);
        t.flags = make.uniform<std::uint16_t>(0, 0x1ff);
        t.window = make.uniform<std::uint16_t>(0, 65535);
        t.urgent = make.uniform<std::uint16_t>(0, 65535);
        tcp.seq(t.seq);
        tcp.ack_seq(t.ack);
        tcp.flags(t.flags);
        tcp.window(t.window);
        tcp.urg_ptr(t.urgent);
        // Options: MSS 4 + WS 3 + SACK-permitted 2 + TS 10 + SACK 2+8n bytes fit 40 for n <= 2.
        if (make.coin()) tcp.mss(*(t.mss = make.uniform<std::uint16_t>(0, 65535)));
        if (make.coin()) tcp.winscale(*(t.wscale = make.uniform<std::uint8_t>(0, 14)));
        if (make.coin()) {
            t.sack_ok = true;
            tcp.sack_permitted();
        }
        if (make.coin()) {
            t.ts.emplace(make.uniform<std::uint32_t>(0, 0xffffffff),
                         make.uniform<std::uint32_t>(0, 0xffffffff));
            tcp.timestamp(t.ts->first, t.ts->second);
        }
        const int blocks = make.uniform(0, 2);
        for (int b = 0; b < 2 * blocks; ++b)
            t.sack.push_back(make.uniform<std::uint32_t>(0, 0xffffffff));
        if (blocks != 0) tcp.sack(t.sack);
    }
    Tins::UDP udp(kind == l4_kind::dns ? 53 : dport, sport);
    expected_dns dns_want;
    Tins::DNS dns;
    if (kind == l4_kind::dns) {
        dns_want.id = make.uniform<std::uint16_t>(0, 65535);
        dns_want.response = make.coin();
        dns_want.recursion_desired = make.coin();
        dns_want.qname = make.dns_name();
        dns_want.qtype = make.coin() ? dns_type::a : dns_type::aaaa;
        dns_want.ttl = make.uniform<std::uint32_t>(0, 0x7fffffff);
        dns.id(dns_want.id);
        dns.type(dns_want.response ? Tins::DNS::RESPONSE : Tins::DNS::QUERY);
        dns.recursion_desired(dns_want.recursion_desired ? 1 : 0);
        dns.add_query(Tins::DNS::query(dns_want.qname,
                                       static_cast<Tins::DNS::QueryType>(dns_want.qtype),
                                       Tins::DNS::INTERNET));
        if (dns_want.response) {
            const int answers = make.uniform(1, 3);
            for (int a = 0; a < answers; ++a) {
                std::string data;
                std::uint16_t type = 0;
                switch (make.uniform(0, 2)) {
                    case 0:
                        type = dns_type::a;
                        data = make.ipv4_text();
                        break;
                    case 1: {
                        type = dns_type::aaaa;
                        const auto raw = make.bytes<16>();
                        data = Tins::IPv6Address(raw.data()).to_string();
                        break;
                    }
                    default:
                        type = dns_type::cname;
                        data = make.dns_name();
                        break;
                }
                dns.add_answer(Tins::DNS::resource(dns_want.qname, data, type, Tins::DNS::INTERNET,
                                                   dns_want.ttl));
                dns_want.answers.emplace_back(type, data);
            }
        }
    }
    const auto icmp_id = make.uniform<std::uint16_t>(0, 65535);
    const auto icmp_seq = make.uniform<std::uint16_t>(0, 65535);
    const bool echo_reply = make.coin();
    Tins::ICMP icmp(echo_reply ? Tins::ICMP::ECHO_REPLY : Tins::ICMP::ECHO_REQUEST);
    icmp.id(icmp_id);
    icmp.sequence(icmp_seq);
    Tins::ICMPv6 icmp6(echo_reply ? Tins::ICMPv6::ECHO_REPLY : Tins::ICMPv6::ECHO_REQUEST);
    icmp6.identifier(icmp_id);
    icmp6.sequence(icmp_seq);

    Tins::PDU* l4 = nullptr;
    switch (kind) {
        case l4_kind::tcp:
            l4 = &tcp;
            break;
        case l4_kind::udp:
            l4 = &udp;
            break;
        case l4_kind::dns:
            l4 = &udp;
            break;
        case l4_kind::icmp:
            l4 = v6 ? static_cast<Tins::PDU*>(&icmp6) : &icmp;
            break;
    }
    Tins::EthernetII packet = v6 ? eth / ip6 / *l4 : eth / ip / *l4;
    if (kind == l4_kind::dns)
        packet /= dns;
    else
        packet /= Tins::RawPDU(payload);
    const Tins::PDU::serialization_type bytes = packet.serialize();
    const Tins::EthernetII tins_view(bytes.data(), static_cast<std::uint32_t>(bytes.size()));

    const decoded_packet p = decode(frame_of(bytes));
    ++covered[std::string(v6 ? "ipv6 " : "ipv4 ") + (kind == l4_kind::tcp   ? "tcp"
                                                     : kind == l4_kind::udp ? "udp"
                                                     : kind == l4_kind::dns ? "dns"
                                                                            : "icmp")];
    if (kind == l4_kind::tcp) {
        covered["tcp mss"] += t.mss.has_value();
        covered["tcp wscale"] += t.wscale.has_value();
        covered["tcp sack_permitted"] += t.sack_ok;
        covered["tcp timestamps"] += t.ts.has_value();
        covered["tcp sack blocks"] += t.sack.size() / 2;
    }
    covered["dns answers"] += dns_want.answers.size();
    const std::size_t l3_size = v6 ? 40 : 20;
    const std::size_t l4_offset = 14 + l3_size;
    const std::size_t l4_length = (v6 ? tins_view.rfind_pdu<Tins::IPv6>().payload_length()
                                      : tins_view.rfind_pdu<Tins::IP>().tot_len() - l3_size);

    // Link and network layers.
    ASSERT_TRUE(p.ethernet);
    EXPECT_EQ(text_of(p.ethernet->source()), Tins::HWAddress<6>(src_mac.data()).to_string());
    EXPECT_EQ(text_of(p.ethernet->destination()), Tins::HWAddress<6>(dst_mac.data()).to_string());
    EXPECT_EQ(p.ethernet->ether_type(), v6 ? ether_type::ipv6 : ether_type::ipv4);
    if (v6) {
        ASSERT_TRUE(p.ipv6);
        EXPECT_EQ(text_of(p.ipv6->source()), Tins::IPv6Address(src6.data()).to_string());
        EXPECT_EQ(text_of(p.ipv6->destination()), Tins::IPv6Address(dst6.data()).to_string());
        EXPECT_EQ(p.ipv6->hop_limit(), ttl);
        EXPECT_EQ(p.ipv6->payload_length(), l4_length);
        EXPECT_EQ(p.ipv6->next_header(), tins_view.rfind_pdu<Tins::IPv6>().next_header());
    } else {
        ASSERT_TRUE(p.ipv4);
        EXPECT_EQ(text_of(p.ipv4->source()), src4);
        EXPECT_EQ(text_of(p.ipv4->destination()), dst4);
        EXPECT_EQ(p.ipv4->ttl(), ttl);
        EXPECT_EQ(p.ipv4->identification(), ip_id);
        EXPECT_EQ(p.ipv4->df(), df);
        EXPECT_FALSE(p.ipv4->mf());
        EXPECT_EQ(p.ipv4->header_length(), 20U);
        EXPECT_EQ(p.ipv4->total_length(), l4_length + 20);
        EXPECT_EQ(p.ipv4->protocol(), tins_view.rfind_pdu<Tins::IP>().protocol());
        EXPECT_EQ(p.ipv4_checksum.status, checksum_status::ok);
        EXPECT_EQ(p.ipv4_checksum.value, tins_view.rfind_pdu<Tins::IP>().checksum());
    }
    EXPECT_EQ(p.ip_payload_length, l4_length);
    EXPECT_TRUE(p.anomalies.empty()) << "unexpected anomalies";

    // Transport layer; the checksum libtins wrote must verify and be reported as carried.
    EXPECT_EQ(p.l4_checksum.status, checksum_status::ok);
    switch (kind) {
        case l4_kind::tcp: {
            ASSERT_TRUE(p.tcp);
            const Tins::TCP& want = tins_view.rfind_pdu<Tins::TCP>();
            EXPECT_EQ(p.tcp->source_port(), sport);
            EXPECT_EQ(p.tcp->destination_port(), dport);
            EXPECT_EQ(p.tcp->sequence_number().value(), t.seq);
            EXPECT_EQ(p.tcp->ack_number().value(), t.ack);
            EXPECT_EQ(p.tcp->flags(), t.flags);
            EXPECT_EQ(p.tcp->window(), t.window);
            EXPECT_EQ(p.tcp->urgent_pointer(), t.urgent);
            EXPECT_EQ(p.tcp->data_offset(), want.data_offset());
            EXPECT_EQ(p.payload_length, payload.size());
            EXPECT_EQ(p.l4_checksum.value, want.checksum());
            EXPECT_EQ(p.tcp_opts.mss, t.mss);
            EXPECT_EQ(p.tcp_opts.window_scale, t.wscale);
            EXPECT_EQ(p.tcp_opts.sack_permitted, t.sack_ok);
            ASSERT_EQ(p.tcp_opts.timestamp.has_value(), t.ts.has_value());
            if (t.ts) {
                EXPECT_EQ(p.tcp_opts.timestamp->tsval, t.ts->first);
                EXPECT_EQ(p.tcp_opts.timestamp->tsecr, t.ts->second);
            }
            ASSERT_EQ(p.tcp_opts.sack_count * 2U, t.sack.size());
            for (std::size_t b = 0; b < p.tcp_opts.sack_count; ++b) {
                EXPECT_EQ(p.tcp_opts.sack[b].left.value(), t.sack[2 * b]);
                EXPECT_EQ(p.tcp_opts.sack[b].right.value(), t.sack[2 * b + 1]);
            }
            EXPECT_FALSE(p.dns);
            break;
        }
        case l4_kind::udp:
        case l4_kind::dns: {
            ASSERT_TRUE(p.udp);
            const Tins::UDP& want = tins_view.rfind_pdu<Tins::UDP>();
            EXPECT_EQ(p.udp->source_port(), sport);
            EXPECT_EQ(p.udp->destination_port(), kind == l4_kind::dns ? 53 : dport);
            EXPECT_EQ(p.udp->length(), want.length());
            EXPECT_EQ(p.udp->length(), l4_length);
            EXPECT_EQ(p.l4_checksum.value, want.checksum());
            if (kind == l4_kind::dns)
                check_dns(p, dns_want);
            else
                EXPECT_EQ(p.payload_length, payload.size());
            break;
        }
        case l4_kind::icmp: {
            const auto& msg = v6 ? p.icmpv6 : p.icmp;
            ASSERT_TRUE(msg);
            EXPECT_EQ(msg->type(), v6 ? (echo_reply ? 129 : 128) : (echo_reply ? 0 : 8));
            EXPECT_EQ(msg->code(), 0);
            EXPECT_EQ(msg->identifier(), icmp_id);
            EXPECT_EQ(msg->sequence(), icmp_seq);
            EXPECT_EQ(p.l4_checksum.value, v6 ? tins_view.rfind_pdu<Tins::ICMPv6>().checksum()
                                              : tins_view.rfind_pdu<Tins::ICMP>().checksum());
            EXPECT_FALSE(p.quote);
            break;
        }
    }

    check_corrupted_l4(bytes, l4_offset, l4_length);
    if (!v6) check_corrupted_ipv4_header(bytes);
}

TEST_F(TinsDifferentialTest, DecoderReadsBackWhatLibtinsWrote) {
    for (int i = 0; i < packets_per_run; ++i) {
        run_one(i);
        if (HasFailure()) break;  // the first failing packet is the one to look at
    }
    // A flipped byte leaves the carried sum equal to the pseudo-header sum about 1 in 65536.
    EXPECT_LE(offloaded_after_corruption, 2U);
    for (const auto& [what, count] : covered) std::printf("%-20s %zu\n", what.c_str(), count);
}

}  // namespace
}  // namespace pktscope
