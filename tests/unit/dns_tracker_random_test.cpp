// Seeded random and mutated DNS traffic through the tracker, the chain builder, the stats and
// every renderer: no crash, no sanitizer report (the ASan+UBSan build runs this too), every
// rendered byte printable ASCII, and the counters add up. A small in-tree fuzzer for the
// parts decode_fuzzer does not reach (matching, TCP reassembly, record rendering).
#include <gtest/gtest.h>

#include <random>

#include "dns_test_packets.hpp"
#include "pktscope/dns_chain.hpp"
#include "pktscope/dns_output.hpp"
#include "pktscope/dns_stats.hpp"

namespace pktscope::test {
namespace {

// A plausible message (query or response with a few records, compression pointers, EDNS),
// then mutated: bytes flipped, cut short, counts changed, pointers aimed anywhere.
std::vector<std::uint8_t> message(std::mt19937& rng, std::uint16_t id, bool response) {
    static const char* names[] = {"a.pks.test", "www.pks.test", "x.y.z.pks.test", ".", "pks.test"};
    const char* name = names[rng() % 5];
    dns_wire m(
        id,
        response ? response_flags(static_cast<std::uint16_t>(rng() % 6), rng() % 2, rng() % 8 == 0)
                 : query_rd,
        1, response ? static_cast<std::uint16_t>(rng() % 3) : 0,
        response ? static_cast<std::uint16_t>(rng() % 2) : 0, 1);
    m.question(name, static_cast<std::uint16_t>(rng() % 2 ? 1 : 28));
    if (response) {
        for (int i = 0; i < 3; ++i) {
            switch (rng() % 4) {
                case 0:
                    m.raw({0xc0, 12}).raw({0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0, 0, 1});
                    break;
                case 1:
                    m.name_rr(name, 5, 60, "target.pks.test");
                    break;
                case 2:
                    m.soa("pks.test", 60, "ns.pks.test", "h.pks.test", 1, 60);
                    break;
                default:
                    m.rr(name, 16, 60, {3, 'a', 0x1b, 0xe2});
                    break;
            }
        }
    }
    m.opt(static_cast<std::uint16_t>(rng()), rng() % 2,
          {0, 8, 0, 7, 0, 1, 24, 0, 10, 0, 0, 0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8});
    std::vector<std::uint8_t>& b = m.bytes;
    const unsigned mutations = rng() % 4;
    for (unsigned i = 0; i < mutations; ++i) {
        switch (rng() % 5) {
            case 0:
                b[rng() % b.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
                break;
            case 1:
                b.resize(rng() % b.size());
                break;
            case 2:
                if (b.size() > 12) b[4 + rng() % 8] = static_cast<std::uint8_t>(rng());
                break;
            case 3:
                if (b.size() > 14) {
                    const std::size_t at = 12 + rng() % (b.size() - 13);
                    b[at] = static_cast<std::uint8_t>(0xc0 | (rng() % 4));
                    b[at + 1] = static_cast<std::uint8_t>(rng());
                }
                break;
            default:
                b.push_back(static_cast<std::uint8_t>(rng()));
                break;
        }
        if (b.empty()) break;
    }
    return b;
}

bool printable(const fmt::memory_buffer& out) {
    for (char ch : std::string_view(out.data(), out.size())) {
        const auto c = static_cast<unsigned char>(ch);
        if (c != '\n' && (c < 0x20 || c >= 0x7f)) return false;
    }
    return true;
}

TEST(DnsTrackerRandom, MutatedTrafficNeverBreaksAnything) {
    std::mt19937 rng(20240606);
    fmt::memory_buffer out;
    text_renderer clock({false, true});
    dns_stats_collector stats;
    std::uint64_t records = 0, chains = 0;
    dns_chain_builder builder(
        ms(500), 64,
        [&](const dns_chain& c) {
            ++chains;
            render_dns_chain_json(out, c);
            render_dns_chain_text(out, c, clock, {true});
        },
        [&](const dns_transaction& t) { render_dns_transaction_text(out, t, clock); });
    dns_tracker_options o;
    o.timeout_ns = ms(500);
    o.max_pending = 64;
    o.max_tcp_streams = 8;
    o.max_tcp_buffered_bytes = 4096;
    tracker_harness h(o);
    std::int64_t now = t0;
    const host resolver{"10.53.9.53", 53}, upstream{"10.53.9.1", 53};
    for (int i = 0; i < 20000; ++i) {
        now += static_cast<std::int64_t>(rng() % 2'000'000);
        const host client{rng() % 4 == 0 ? "10.53.9.53" : "10.53.9.7",
                          static_cast<std::uint16_t>(40000 + rng() % 8)};
        const host& server = rng() % 2 ? resolver : upstream;
        const auto id = static_cast<std::uint16_t>(rng() % 16);
        const bool response = rng() % 2;
        const auto m = message(rng, id, response);
        const host& from = response ? server : client;
        const host& to = response ? client : server;
        if (rng() % 4 != 0) {
            h.feed(udp_frame(from, to, m), now);
        } else {
            // DNS over TCP in random pieces at random sequence numbers (some overlapping).
            const auto framed = with_length_prefix(m);
            const std::uint32_t base = static_cast<std::uint32_t>(rng() % 4) * 1000;
            std::size_t at = 0;
            while (at < framed.size()) {
                const std::size_t n = 1 + rng() % framed.size();
                const std::vector<std::uint8_t> piece(
                    framed.begin() + static_cast<std::ptrdiff_t>(at),
                    framed.begin() + static_cast<std::ptrdiff_t>(std::min(framed.size(), at + n)));
                h.feed(
                    tcp_frame(from, to,
                              base + static_cast<std::uint32_t>(at) + (rng() % 3 == 0 ? 7 : 0),
                              static_cast<std::uint16_t>(tcp_ack | (rng() % 50 == 0 ? tcp_rst : 0)),
                              piece),
                    now);
                at += n;
            }
        }
        for (; records < h.records.size(); ++records) {
            const dns_transaction& t = h.records[records];
            stats.add(t);
            builder.add(t);
            render_dns_transaction_json(out, t);
            render_dns_transaction_text(out, t, clock, {true});
        }
        builder.advance(now);
        if (out.size() > (1u << 20)) {
            ASSERT_TRUE(printable(out));
            out.clear();
        }
    }
    h.finish();
    for (; records < h.records.size(); ++records) builder.add(h.records[records]);
    builder.finish();
    render_dns_stats_json(out, stats.report());
    render_dns_stats_text(out, stats.report());
    render_dns_summary_json(out, h.counters(), &builder.counters());
    EXPECT_TRUE(printable(out));
    const dns_tracker_counters& c = h.counters();
    // Every query message either started a transaction or was a retransmission of one; every
    // transaction ended answered or unanswered.
    EXPECT_EQ(c.answered + c.unanswered + h.tracker().pending(), c.queries - c.retransmissions);
    EXPECT_EQ(h.tracker().pending(), 0u);
    EXPECT_GT(c.answered, 100u);
    EXPECT_GT(c.unsolicited, 100u);
    EXPECT_GT(c.tcp_messages, 100u);
    EXPECT_GT(c.anomalies[anomaly::dns_pointer_forward] + c.anomalies[anomaly::dns_pointer_loop],
              0u);
}

}  // namespace
}  // namespace pktscope::test
