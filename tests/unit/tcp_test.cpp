// tcp.hpp: the TCP header view, option parsing (RFC 9293 3.1/3.2, RFC 7323, RFC 2018) and
// tcp_seq's modular order.
//
// Every byte array below went through tests/unit/cases_to_pcap.py and tshark 4.0
// (tcp.check_checksum on); the values asserted are the ones tshark printed (tcp.srcport,
// tcp.seq_raw, tcp.hdr_len, tcp.flags, tcp.options.*, tcp.len, tcp.checksum.status).
#include "pktscope/tcp.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "unit_support.hpp"

namespace pktscope::test {
namespace {

constexpr packet_case syn_with_mss_wscale_sackok_ts{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"  // Ethernet II: dst, src, type IPv4
    "45 00 00 3c 1c 46 40 00 40 06 32 3f c0 00 02 01 c6 33 64 02"    // IPv4, protocol 6
    "9c 40 00 50 b2 d0 5e 00 00 00 00 00 a0 02 fa f0 7d 1e 00 00"    // TCP fixed header
    "02 04 05 b4 04 02 08 0a 0a 1b 2c 3d 00 00 00 00 01 03 03 07"};  // TCP options

constexpr packet_case all_nine_flags_with_ae{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"  // Ethernet II: dst, src, type IPv4
    "45 00 00 28 1c 46 40 00 40 06 32 53 c0 00 02 01 c6 33 64 02"    // IPv4, protocol 6
    "13 88 17 70 00 00 00 01 00 00 00 02 51 ff 04 00 92 ac 00 07"};  // TCP fixed header

constexpr packet_case ack_with_two_sack_blocks{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"  // Ethernet II: dst, src, type IPv4
    "45 00 00 48 1c 46 40 00 40 06 32 33 c0 00 02 01 c6 33 64 02"  // IPv4, protocol 6
    "00 50 9c 40 00 00 01 f4 00 00 03 e9 d0 10 01 f5 8a ab 00 00"  // TCP fixed header
    "01 01 08 0a 00 01 e2 40 00 09 fb f1 01 01 05 12 00 00 03 e9"  // TCP options
    "00 00 07 d1 00 00 0b b9 00 00 0f a1"};

constexpr packet_case ack_with_four_sack_blocks_one_wrapping{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"  // Ethernet II: dst, src, type IPv4
    "45 00 00 4c 1c 46 40 00 40 06 32 2f c0 00 02 01 c6 33 64 02"  // IPv4, protocol 6
    "00 50 9c 40 00 00 01 f4 00 00 03 e9 e0 10 01 f5 80 be 00 00"  // TCP fixed header
    "01 01 05 22 ff ff ff f0 00 00 00 10 00 00 00 64 00 00 00 c8"  // TCP options
    "00 00 01 2c 00 00 01 90 00 00 01 f4 00 00 02 58"};

constexpr packet_case syn_with_unknown_options_before_mss{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"  // Ethernet II: dst, src, type IPv4
    "45 00 00 3c 1c 46 40 00 40 06 32 3f c0 00 02 01 c6 33 64 02"    // IPv4, protocol 6
    "9c 41 01 bb 00 00 00 4d 00 00 00 00 a0 02 ff ff a6 a1 00 00"    // TCP fixed header
    "1e 0c 01 81 01 02 03 04 05 06 07 08 fe 04 f9 89 02 04 05 78"};  // TCP options

constexpr packet_case syn_with_mss_then_end_of_option_list{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"  // Ethernet II: dst, src, type IPv4
    "45 00 00 30 1c 46 40 00 40 06 32 4b c0 00 02 01 c6 33 64 02"  // IPv4, protocol 6
    "9c 42 00 50 00 00 00 09 00 00 00 00 70 02 ff ff ff 47 00 00"  // TCP fixed header
    "02 04 05 b4 00 08 ff ff"};                                    // TCP options

constexpr packet_case syn_with_timestamp_running_past_header{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"  // Ethernet II: dst, src, type IPv4
    "45 00 00 30 1c 46 40 00 40 06 32 4b c0 00 02 01 c6 33 64 02"  // IPv4, protocol 6
    "9c 43 00 50 00 00 00 09 00 00 00 00 70 02 ff ff f7 44 00 00"  // TCP fixed header
    "02 04 05 b4 08 0a 00 00"};                                    // TCP options

constexpr packet_case syn_with_option_length_one{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"  // Ethernet II: dst, src, type IPv4
    "45 00 00 30 1c 46 40 00 40 06 32 4b c0 00 02 01 c6 33 64 02"  // IPv4, protocol 6
    "9c 44 00 50 00 00 00 09 00 00 00 00 70 02 ff ff dd 4c 00 00"  // TCP fixed header
    "02 04 05 b4 22 01 00 00"};                                    // TCP options

constexpr packet_case syn_with_three_byte_mss{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"  // Ethernet II: dst, src, type IPv4
    "45 00 00 2c 1c 46 40 00 40 06 32 4f c0 00 02 01 c6 33 64 02"  // IPv4, protocol 6
    "9c 45 00 50 00 00 00 09 00 00 00 00 60 02 ff ff 10 05 00 00"  // TCP fixed header
    "02 03 05 01"};                                                // TCP options

constexpr packet_case psh_ack_with_six_byte_payload{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"  // Ethernet II: dst, src, type IPv4
    "45 00 00 3a 1c 46 40 00 40 06 32 41 c0 00 02 01 c6 33 64 02"  // IPv4, protocol 6
    "9c 46 00 07 ff ff ff fa 00 00 00 64 80 18 01 f6 9c 41 00 00"  // TCP fixed header
    "01 01 08 0a 00 00 03 e8 00 00 07 d0"                          // TCP options
    "68 65 6c 6c 6f 0a"};                                          // payload

using strings = std::vector<std::string>;

TEST(TcpView, SynFieldsAndOptions) {
    const auto d = decode_case(syn_with_mss_wscale_sackok_ts);
    ASSERT_TRUE(d->tcp);
    const tcp_view& t = *d->tcp;
    EXPECT_EQ(t.source_port(), 40000);
    EXPECT_EQ(t.destination_port(), 80);
    EXPECT_EQ(t.sequence_number().value(), 3000000000u);
    EXPECT_EQ(t.ack_number().value(), 0u);
    EXPECT_EQ(t.data_offset(), 10);
    EXPECT_EQ(t.header_length(), 40u);
    EXPECT_EQ(t.flags(), tcp_flag::syn);
    EXPECT_TRUE(t.has(tcp_flag::syn));
    EXPECT_FALSE(t.has(tcp_flag::ack));
    EXPECT_EQ(t.window(), 64240);
    EXPECT_EQ(t.checksum(), 0x7d1e);
    EXPECT_EQ(t.urgent_pointer(), 0);
    EXPECT_EQ(t.options().size(), 20u);
    EXPECT_EQ(t.bytes().size(), 40u);

    const tcp_options& o = d->tcp_opts;
    EXPECT_TRUE(o.any);
    EXPECT_EQ(o.mss, 1460);
    EXPECT_EQ(o.window_scale, 7);
    EXPECT_TRUE(o.sack_permitted);
    ASSERT_TRUE(o.timestamp);
    EXPECT_EQ(o.timestamp->tsval, 169552957u);
    EXPECT_EQ(o.timestamp->tsecr, 0u);
    EXPECT_EQ(o.sack_count, 0);

    EXPECT_EQ(d->payload_length, 0u);
    EXPECT_TRUE(d->payload.empty());
    EXPECT_EQ(d->l4_checksum.status, checksum_status::ok);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(TcpView, AllNineFlagsIncludingAccEcn) {
    const auto d = decode_case(all_nine_flags_with_ae);
    ASSERT_TRUE(d->tcp);
    const tcp_view& t = *d->tcp;
    EXPECT_EQ(t.flags(), 0x1ff);  // tshark: tcp.flags 0x01ff
    for (std::uint16_t flag :
         {tcp_flag::fin, tcp_flag::syn, tcp_flag::rst, tcp_flag::psh, tcp_flag::ack, tcp_flag::urg,
          tcp_flag::ece, tcp_flag::cwr, tcp_flag::ae})
        EXPECT_TRUE(t.has(flag)) << flag;
    EXPECT_EQ(t.urgent_pointer(), 7);
    EXPECT_EQ(t.window(), 1024);
    EXPECT_EQ(t.data_offset(), 5);
    EXPECT_TRUE(t.options().empty());
    EXPECT_FALSE(d->tcp_opts.any);
    EXPECT_EQ(d->l4_checksum.status, checksum_status::ok);
}

TEST(TcpOptions, TwoSackBlocksAfterTimestamps) {
    const auto d = decode_case(ack_with_two_sack_blocks);
    ASSERT_TRUE(d->tcp);
    EXPECT_EQ(d->tcp->header_length(), 52u);
    const tcp_options& o = d->tcp_opts;
    ASSERT_TRUE(o.timestamp);
    EXPECT_EQ(o.timestamp->tsval, 123456u);
    EXPECT_EQ(o.timestamp->tsecr, 654321u);
    ASSERT_EQ(o.sack_count, 2);
    // tshark: tcp.options.sack_le 1001,3001 and sack_re 2001,4001.
    EXPECT_EQ(o.sack[0].left.value(), 1001u);
    EXPECT_EQ(o.sack[0].right.value(), 2001u);
    EXPECT_EQ(o.sack[1].left.value(), 3001u);
    EXPECT_EQ(o.sack[1].right.value(), 4001u);
    EXPECT_FALSE(o.mss);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(TcpOptions, FourSackBlocksOneAcrossTheWrap) {
    const auto d = decode_case(ack_with_four_sack_blocks_one_wrapping);
    const tcp_options& o = d->tcp_opts;
    ASSERT_EQ(o.sack_count, 4);
    // tshark: sack_le 4294967280,100,300,500 and sack_re 16,200,400,600.
    EXPECT_EQ(o.sack[0].left.value(), 4294967280u);
    EXPECT_EQ(o.sack[0].right.value(), 16u);
    EXPECT_LT(o.sack[0].left, o.sack[0].right);  // the block spans the wrap
    EXPECT_EQ(o.sack[0].right - o.sack[0].left, 32);
    EXPECT_EQ(o.sack[3].left.value(), 500u);
    EXPECT_EQ(o.sack[3].right.value(), 600u);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(TcpOptions, UnknownKindsAreSkippedByTheirLength) {
    // MPTCP (30, length 12) and an experimental option (254, length 4) come before the MSS.
    const auto d = decode_case(syn_with_unknown_options_before_mss);
    EXPECT_EQ(d->tcp_opts.mss, 1400);
    EXPECT_FALSE(d->tcp_opts.window_scale);
    EXPECT_FALSE(d->tcp_opts.sack_permitted);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(TcpOptions, EndOfOptionListStopsParsing) {
    // After EOL come bytes that would be an overrun if read as options (08 ff ...).
    const auto d = decode_case(syn_with_mss_then_end_of_option_list);
    EXPECT_EQ(d->tcp_opts.mss, 1460);
    EXPECT_FALSE(d->tcp_opts.timestamp);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{});
}

TEST(TcpOptions, LengthPastTheHeaderIsAnOverrunAfterWhatWasRead) {
    const auto d = decode_case(syn_with_timestamp_running_past_header);
    EXPECT_EQ(d->tcp_opts.mss, 1460);
    EXPECT_FALSE(d->tcp_opts.timestamp);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{"tcp_option_overrun"});
}

TEST(TcpOptions, LengthBelowTwoIsAnOverrun) {
    // tshark: "TCP Fast Open (with too-short option length = 1 byte)".
    const auto d = decode_case(syn_with_option_length_one);
    EXPECT_EQ(d->tcp_opts.mss, 1460);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{"tcp_option_overrun"});
}

TEST(TcpOptions, WrongLengthForTheKind) {
    // tshark: "option length should be 4"; the NOP after it is still read.
    const auto d = decode_case(syn_with_three_byte_mss);
    EXPECT_FALSE(d->tcp_opts.mss);
    EXPECT_EQ(anomaly_names(d->anomalies), strings{"bad_tcp_option_length"});
}

TEST(TcpOptions, DirectParseOfEdgeCases) {
    anomaly_set found;
    EXPECT_FALSE(parse_tcp_options({}, found).any);

    const auto nops = from_hex("01 01 01 01");
    const tcp_options only_nops = parse_tcp_options(nops, found);
    EXPECT_TRUE(only_nops.any);
    EXPECT_FALSE(only_nops.mss);
    EXPECT_TRUE(found.empty());

    // A lone kind byte at the end has no room for its length.
    EXPECT_EQ(anomaly_names((parse_tcp_options(from_hex("01 01 01 02"), found), found)),
              strings{"tcp_option_overrun"});

    // SACK needs 8n+2 bytes with n >= 1 (RFC 2018 3); 2 and 11 are both wrong.
    for (const char* hex : {"05 02 01 01", "05 0b 00 00 00 01 00 00 00 02 00"}) {
        anomaly_set sack_found;
        const tcp_options o = parse_tcp_options(from_hex(hex), sack_found);
        EXPECT_EQ(o.sack_count, 0) << hex;
        EXPECT_EQ(anomaly_names(sack_found), strings{"bad_tcp_option_length"}) << hex;
    }

    // Window scale 3 bytes, SACK-permitted 2 bytes, timestamps 10 bytes, exactly.
    for (const char* hex : {"03 04 07 00", "04 03 00 01", "08 09 00 00 00 01 00 00 00"}) {
        anomaly_set wrong;
        parse_tcp_options(from_hex(hex), wrong);
        EXPECT_EQ(anomaly_names(wrong), strings{"bad_tcp_option_length"}) << hex;
    }
}

TEST(TcpOptions, MoreSackBlocksThanStoredAreBounded) {
    // Five blocks (42 bytes) cannot occur inside a 40-byte option space, but the parser is
    // handed spans, so it must still stop at its four slots.
    std::string hex = "05 2a";
    for (int i = 0; i < 10; ++i) hex += " 00 00 00 0" + std::to_string(i);
    anomaly_set found;
    const tcp_options o = parse_tcp_options(from_hex(hex), found);
    EXPECT_EQ(o.sack_count, 4);
    EXPECT_EQ(o.sack[3].right.value(), 7u);
    EXPECT_TRUE(found.empty());
}

TEST(TcpView, PayloadAndSequenceSpaceAcrossTheWrap) {
    const auto d = decode_case(psh_ack_with_six_byte_payload);
    ASSERT_TRUE(d->tcp);
    EXPECT_EQ(d->tcp->flags(), tcp_flag::psh | tcp_flag::ack);
    EXPECT_EQ(d->payload_length, 6u);  // tshark: tcp.len 6
    ASSERT_EQ(d->payload.size(), 6u);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(d->payload.data()), 6), "hello\n");
    const tcp_seq seq = d->tcp->sequence_number();
    EXPECT_EQ(seq.value(), 4294967290u);
    EXPECT_EQ((seq + d->payload_length).value(), 0u);  // the next byte wraps to 0
    EXPECT_GT(seq + d->payload_length, seq);
    EXPECT_EQ(d->l4_checksum.status, checksum_status::ok);
}

TEST(TcpView, ParseNeedsTwentyBytes) {
    const auto bytes = from_hex("9c 40 00 50 00 00 00 01 00 00 00 00 50 02 ff ff 00 00 00");
    const auto r = tcp_view::parse(bytes);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), anomaly::truncated_tcp_header);
}

TEST(TcpView, OptionsEmptyForAnInvalidDataOffsetAndClampedToTheCapture) {
    auto bytes = from_hex("9c 40 00 50 00 00 00 01 00 00 00 00 40 02 ff ff 00 00 00 00");
    EXPECT_TRUE(tcp_view::parse(bytes)->options().empty());  // data offset 4
    bytes[12] = std::byte{0xf0};                             // data offset 15: 40 option bytes
    bytes.push_back(std::byte{0x01});                        // of which 1 was captured
    EXPECT_EQ(tcp_view::parse(bytes)->options().size(), 1u);
}

TEST(TcpSeq, ModularOrderAroundTheWrap) {
    const tcp_seq before_wrap{0xfffffff0u};
    const tcp_seq after_wrap{0x10u};
    EXPECT_LT(before_wrap, after_wrap);
    EXPECT_GT(after_wrap, before_wrap);
    EXPECT_EQ(after_wrap - before_wrap, 32);
    EXPECT_EQ(before_wrap - after_wrap, -32);
    EXPECT_EQ(before_wrap + 0x20u, after_wrap);
    EXPECT_LE(before_wrap, before_wrap);
    EXPECT_EQ(tcp_seq{0}, tcp_seq{});
}

TEST(TcpSeq, HalfTheSpaceApartDecidesTheOrder) {
    // Within 2^31 after is "after"; RFC 1982 leaves exactly 2^31 undefined, here it is
    // "before" because the signed distance is INT32_MIN.
    const tcp_seq zero{0};
    EXPECT_LT(zero, tcp_seq{0x7fffffffu});
    EXPECT_GT(zero, tcp_seq{0x80000001u});
    EXPECT_EQ(tcp_seq{0x80000000u} - zero, INT32_MIN);
    EXPECT_LT(tcp_seq{0x80000000u}, zero);
}

}  // namespace
}  // namespace pktscope::test
