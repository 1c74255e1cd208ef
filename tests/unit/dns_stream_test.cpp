// dns_stream_reassembler: length-prefixed DNS messages out of one TCP direction (RFC 1035
// 4.2.2, RFC 7766 8), with retransmissions, reordering, sequence wrap, holes and bounds.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "pktscope/dns_stream.hpp"

namespace pktscope {
namespace {

// A "message" here is any bytes; the reassembler only reads the length prefix.
std::vector<std::byte> framed(const std::string& body) {
    std::vector<std::byte> out{std::byte(body.size() >> 8), std::byte(body.size() & 0xff)};
    for (char c : body) out.push_back(static_cast<std::byte>(c));
    return out;
}

std::vector<std::byte> concat(std::initializer_list<std::vector<std::byte>> parts) {
    std::vector<std::byte> out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

std::vector<std::byte> slice(const std::vector<std::byte>& v, std::size_t from, std::size_t to) {
    return {v.begin() + static_cast<std::ptrdiff_t>(from),
            v.begin() + static_cast<std::ptrdiff_t>(to)};
}

std::vector<std::string> drain(dns_stream_reassembler& r) {
    std::vector<std::string> out;
    byte_span m;
    while (r.next_message(m)) out.emplace_back(reinterpret_cast<const char*>(m.data()), m.size());
    return out;
}

TEST(DnsStream, SeveralMessagesInOneSegment) {
    dns_stream_reassembler r;
    const auto bytes = concat({framed("first"), framed("second"), framed("third")});
    r.add(tcp_seq{100}, false, bytes);
    EXPECT_EQ(drain(r), (std::vector<std::string>{"first", "second", "third"}));
    EXPECT_EQ(r.buffered_bytes(), 0u);
    EXPECT_EQ(r.counters().messages, 3u);
}

TEST(DnsStream, MessageSplitAcrossSegmentsEvenInsideThePrefix) {
    dns_stream_reassembler r;
    const auto bytes = framed("a longer message body");
    r.add(tcp_seq{0}, true, {});  // SYN: data starts at 1
    r.add(tcp_seq{1}, false, slice(bytes, 0, 1));
    EXPECT_TRUE(drain(r).empty());
    r.add(tcp_seq{2}, false, slice(bytes, 1, 10));
    EXPECT_TRUE(drain(r).empty());
    r.add(tcp_seq{11}, false, slice(bytes, 10, bytes.size()));
    EXPECT_EQ(drain(r), (std::vector<std::string>{"a longer message body"}));
}

TEST(DnsStream, OutOfOrderSegmentsWaitForTheGap) {
    dns_stream_reassembler r;
    const auto bytes = concat({framed("one"), framed("two")});  // 5 + 5 bytes
    r.add(tcp_seq{1000}, false, slice(bytes, 0, 3));
    r.add(tcp_seq{1007}, false, slice(bytes, 7, 10));
    r.add(tcp_seq{1005}, false, slice(bytes, 5, 7));
    EXPECT_TRUE(drain(r).empty()) << "bytes 3-4 are missing";
    EXPECT_EQ(r.counters().out_of_order_segments, 2u);
    r.add(tcp_seq{1003}, false, slice(bytes, 3, 5));
    EXPECT_EQ(drain(r), (std::vector<std::string>{"one", "two"}));
}

TEST(DnsStream, RetransmittedAndOverlappingBytesAreTrimmed) {
    dns_stream_reassembler r;
    const auto bytes = concat({framed("alpha"), framed("beta")});  // 7 + 6 bytes
    r.add(tcp_seq{50}, false, slice(bytes, 0, 9));
    EXPECT_EQ(drain(r), (std::vector<std::string>{"alpha"}));
    r.add(tcp_seq{50}, false, slice(bytes, 0, 9));   // whole retransmission
    r.add(tcp_seq{55}, false, slice(bytes, 5, 13));  // overlaps 4 bytes, adds the rest
    EXPECT_EQ(drain(r), (std::vector<std::string>{"beta"}));
    EXPECT_EQ(r.counters().retransmitted_bytes, 9u + 4u);
}

TEST(DnsStream, SequenceNumbersWrapAround) {
    dns_stream_reassembler r;
    const auto bytes = framed("wrapping");  // 10 bytes
    r.add(tcp_seq{0xfffffffaU}, false, slice(bytes, 0, 6));
    r.add(tcp_seq{0}, false, slice(bytes, 6, 10));
    EXPECT_EQ(drain(r), (std::vector<std::string>{"wrapping"}));
}

TEST(DnsStream, AHoleThatNeverFillsIsSkippedWithinTheBounds) {
    dns_stream_limits limits;
    limits.max_held_segments = 2;
    dns_stream_reassembler r(limits);
    r.add(tcp_seq{0}, false, slice(framed("lost"), 0, 3));  // the rest of "lost" never comes
    r.add(tcp_seq{100}, false, framed("x"));
    r.add(tcp_seq{103}, false, framed("y"));
    EXPECT_TRUE(drain(r).empty());
    r.add(tcp_seq{106}, false, framed("z"));  // a third held segment: give up on the hole
    EXPECT_EQ(drain(r), (std::vector<std::string>{"x", "y", "z"}));
    EXPECT_EQ(r.counters().gaps, 1u);
    EXPECT_EQ(r.counters().bytes_dropped, 3u);
    EXPECT_EQ(r.buffered_bytes(), 0u);
}

TEST(DnsStream, HeldBytesAreBounded) {
    dns_stream_limits limits;
    limits.max_held_bytes = 1000;
    dns_stream_reassembler r(limits);
    r.add(tcp_seq{0}, false, framed("a"));
    drain(r);
    std::vector<std::byte> chunk(400, std::byte{0});
    for (std::uint32_t i = 0; i < 10; ++i) {
        r.add(tcp_seq{10 + i * 400}, false, chunk);  // all after a hole at 3..9
        EXPECT_LE(r.buffered_bytes(), 1000u + 400u);
        drain(r);
    }
    EXPECT_GE(r.counters().gaps, 1u);
}

TEST(DnsStream, SegmentCutBySnapshotEndsTheAlignment) {
    dns_stream_reassembler r;
    r.add(tcp_seq{0}, false, slice(framed("cut message"), 0, 5), false);
    EXPECT_EQ(r.counters().gaps, 1u);
    r.add(tcp_seq{500}, false, framed("next"));  // taken as a fresh start
    EXPECT_EQ(drain(r), (std::vector<std::string>{"next"}));
}

TEST(DnsStream, ZeroLengthMessageIsReturnedEmpty) {
    dns_stream_reassembler r;
    r.add(tcp_seq{0}, false, concat({framed(""), framed("after")}));
    EXPECT_EQ(drain(r), (std::vector<std::string>{"", "after"}));
}

TEST(DnsStream, LargestMessage) {
    dns_stream_reassembler r;
    const auto bytes = framed(std::string(65535, 'q'));
    for (std::size_t off = 0; off < bytes.size(); off += 1448)
        r.add(tcp_seq{static_cast<std::uint32_t>(off)}, false,
              slice(bytes, off, std::min(bytes.size(), off + 1448)));
    const auto messages = drain(r);
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].size(), 65535u);
}

}  // namespace
}  // namespace pktscope
