// One test per anomaly name (every name in PKTSCOPE_ANOMALIES), each triggering exactly that
// anomaly from bytes, plus the anomaly_name / anomaly_set / anomaly_counters basics.
//
// The byte arrays were put into a pcap with tests/unit/cases_to_pcap.py and read with
// tshark 4.0 (-o ip/tcp/udp.check_checksum:TRUE); where tshark reports the same fault, its
// expert message is quoted next to the trigger.
#include <gtest/gtest.h>

#include <climits>
#include <set>
#include <string>
#include <vector>

#include "pktscope/anomaly.hpp"
#include "unit_support.hpp"

namespace pktscope::test {
namespace {

constexpr packet_case udp_datagram_of_100_bytes{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 56 1c 46 40 00 40 11 32 1a c0 00 02 01 c6 33 64 02"  // IPv4
    "a0 28 a4 10 00 42 9f ad"                                      // UDP
    "00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13"  // 58 bytes payload (the test
                                                                   // keeps 60 bytes of the frame)
    "14 15 16 17 18 19 1a 1b 1c 1d 1e 1f 20 21 22 23 24 25 26 27"
    "28 29 2a 2b 2c 2d 2e 2f 30 31 32 33 34 35 36 37 38 39"};

constexpr packet_case ethernet_header_of_10_bytes{
    linktype::en10mb, "02 00 00 00 00 02 02 00 00 00"};  // dst, 4 bytes of src

constexpr packet_case vlan_tag_cut_after_tci{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 81 00"  // dst, src, TPID 0x8100
    "00 64"};                                    // TCI vid 100, no inner type

constexpr packet_case five_stacked_vlan_tags{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01"                          // dst, src
    "88 a8 00 01 81 00 00 02 81 00 00 03 81 00 00 04 81 00 00 05"  // tags: vids 1..5
    "08 00"                                                        // type IPv4
    "45 00 00 20 00 10 40 00 40 01 4e 96 c0 00 02 01 c6 33 64 02"  // IPv4 ICMP echo request
    "08 00 06 fa 12 34 00 01 70 69 6e 67"};

constexpr packet_case ipv4_header_of_19_bytes{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                   // Ethernet II
    "45 00 00 14 1c 46 40 00 40 11 32 5c c0 00 02 01 c6 33 64"};  // 19 bytes of an IPv4 header

constexpr packet_case ipv4_version_5{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "55 00 00 1c 1c 46 40 00 40 11 22 54 c0 00 02 01 c6 33 64 02"  // IP header with version 5
    "00 01 00 02 00 08 00 00"};                                    // UDP

constexpr packet_case ipv4_ihl_4{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "44 00 00 1c 1c 46 40 00 40 11 33 54 c0 00 02 01 c6 33 64 02"  // IPv4 with IHL 4
    "00 01 00 02 00 08 00 00"};                                    // UDP

constexpr packet_case ipv4_total_length_19{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 13 1c 46 40 00 40 11 32 5d c0 00 02 01 c6 33 64 02"  // IPv4: total length 19
    "00 01 00 02 00 08 00 00"};                                    // UDP

constexpr packet_case ipv4_total_length_100_of_28_captured{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 64 1c 46 40 00 40 11 32 0c c0 00 02 01 c6 33 64 02"  // IPv4: total length 100
    "a0 28 a4 10 00 08 00 00"};  // UDP, length 8 (the frame ends here)

constexpr packet_case ipv4_total_length_0_icmp_echo{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 00 1c 46 40 00 40 01 32 80 c0 00 02 01 c6 33 64 02"  // IPv4: total length 0
    "08 00 4e c8 00 01 00 02 6f 66 66 6c 6f 61 64"};               // ICMP echo request

constexpr packet_case ipv4_record_route_length_past_header{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "46 00 00 20 1c 46 40 00 40 11 26 48 c0 00 02 01 c6 33 64 02"  // IPv4: IHL 6
    "07 08 04 00"                // option: record route, length 8 (4 bytes left)
    "a0 28 a4 10 00 08 cf 6d"};  // UDP

constexpr packet_case ipv4_header_checksum_wrong{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 1c 1c 46 40 00 40 11 12 34 c0 00 02 01 c6 33 64 02"  // IPv4: checksum 0x1234 (wrong)
    "a0 28 a4 10 00 08 cf 6d"};                                    // UDP

constexpr packet_case ipv6_header_of_39_bytes{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 86 dd"                    // Ethernet II, type IPv6
    "60 00 00 00 00 00 3b 40 20 01 0d b8 00 00 00 00 00 00 00 00"  // 39 bytes of an IPv6 header
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00"};

constexpr packet_case ipv6_ethertype_with_version_4{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 86 dd"                    // Ethernet II, type IPv6
    "40 00 00 00 00 00 3b 40 20 01 0d b8 00 00 00 00 00 00 00 00"  // 40-byte header with version 4
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"};

constexpr packet_case ipv6_payload_length_100_of_8_captured{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 86 dd"                    // Ethernet II, type IPv6
    "60 00 00 00 00 64 11 40 20 01 0d b8 00 00 00 00 00 00 00 00"  // IPv6: payload length 100
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
    "a0 28 a4 10 00 08 60 30"};  // UDP, length 8 (the frame ends here)

constexpr packet_case ipv6_payload_length_0_udp{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 86 dd"                    // Ethernet II, type IPv6
    "60 00 00 00 00 00 11 40 20 01 0d b8 00 00 00 00 00 00 00 00"  // IPv6: payload length 0
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
    "a0 28 a4 10 00 0c 73 53"  // UDP
    "7a 65 72 6f"};            // payload

constexpr packet_case ipv6_hop_by_hop_longer_than_payload{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 86 dd"                    // Ethernet II, type IPv6
    "60 00 00 00 00 08 00 40 20 01 0d b8 00 00 00 00 00 00 00 00"  // IPv6: payload length 8
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
    "3b 01 01 04 00 00 00 00"};  // hop-by-hop: length 1 (16 bytes)

constexpr packet_case ipv6_nine_destination_options_headers{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 86 dd"                    // Ethernet II, type IPv6
    "60 00 00 00 00 48 3c 40 20 01 0d b8 00 00 00 00 00 00 00 00"  // IPv6: next header 60
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
    "3c 00 01 04 00 00 00 00 3c 00 01 04 00 00 00 00 3c 00 01 04"  // nine destination options
                                                                   // headers, 8 bytes each
    "00 00 00 00 3c 00 01 04 00 00 00 00 3c 00 01 04 00 00 00 00"
    "3c 00 01 04 00 00 00 00 3c 00 01 04 00 00 00 00 3c 00 01 04"
    "00 00 00 00 3b 00 01 04 00 00 00 00"};

constexpr packet_case tcp_segment_of_12_bytes{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 20 1c 46 40 00 40 06 32 5b c0 00 02 01 c6 33 64 02"  // IPv4: total length 32
    "9c 40 00 50 00 00 00 01 00 00 00 00"};                        // first 12 bytes of a TCP header

constexpr packet_case tcp_data_offset_4{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                      // Ethernet II
    "45 00 00 28 1c 46 40 00 40 06 32 53 c0 00 02 01 c6 33 64 02"    // IPv4
    "9c 40 00 50 00 00 00 01 00 00 00 00 40 02 fa f0 3c 29 00 00"};  // TCP: data offset 4

constexpr packet_case tcp_timestamp_option_past_header{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 2c 1c 46 40 00 40 06 32 4f c0 00 02 01 c6 33 64 02"  // IPv4
    "9c 40 00 50 00 00 00 01 00 00 00 00 60 02 fa f0 13 1c 00 00"  // TCP: data offset 6
    "01 01 08 08"};  // options: NOP NOP, timestamps kind 8 length 8 (2 bytes left)

constexpr packet_case tcp_mss_option_length_3{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 2c 1c 46 40 00 40 06 32 4f c0 00 02 01 c6 33 64 02"  // IPv4
    "9c 40 00 50 00 00 00 01 00 00 00 00 60 02 fa f0 15 21 00 00"  // TCP
    "02 03 05 01"};  // options: MSS with length 3, NOP

constexpr packet_case tcp_checksum_wrong{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                      // Ethernet II
    "45 00 00 28 1c 46 40 00 40 06 32 53 c0 00 02 01 c6 33 64 02"    // IPv4
    "9c 40 00 50 00 00 00 01 00 00 00 00 50 02 fa f0 de ad 00 00"};  // TCP: checksum 0xdead (wrong)

constexpr packet_case udp_header_of_6_bytes{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 1a 1c 46 40 00 40 11 32 56 c0 00 02 01 c6 33 64 02"  // IPv4: total length 26
    "a0 28 a4 10 00 08"};                                          // first 6 bytes of a UDP header

constexpr packet_case udp_length_100_in_12_bytes{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 20 1c 46 40 00 40 11 32 50 c0 00 02 01 c6 33 64 02"  // IPv4
    "a0 28 a4 10 00 64 09 ef"                                      // UDP: length 100
    "61 62 63 64"};                                                // payload

constexpr packet_case udp_checksum_wrong{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 20 1c 46 40 00 40 11 32 50 c0 00 02 01 c6 33 64 02"  // IPv4
    "a0 28 a4 10 00 0c ba d0"                                      // UDP: checksum 0xbad0 (wrong)
    "61 62 63 64"};                                                // payload

constexpr packet_case udp_over_ipv6_with_zero_checksum{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 86 dd"                    // Ethernet II, type IPv6
    "60 00 00 00 00 0c 11 40 20 01 0d b8 00 00 00 00 00 00 00 00"  // IPv6
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
    "a0 28 a4 10 00 0c 00 00"  // UDP: checksum 0
    "61 62 63 64"};            // payload

constexpr packet_case icmp_message_of_3_bytes{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 17 1c 46 40 00 40 01 32 69 c0 00 02 01 c6 33 64 02"  // IPv4
    "08 00 f7"};                                                   // ICMP: 3 bytes

constexpr packet_case icmp_checksum_wrong{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 1d 1c 46 40 00 40 01 32 63 c0 00 02 01 c6 33 64 02"  // IPv4
    "08 00 0b ad 00 01 00 01"                                      // ICMP: checksum 0x0bad (wrong)
    "78"};                                                         // data

constexpr packet_case icmpv6_checksum_wrong{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 86 dd"                    // Ethernet II, type IPv6
    "60 00 00 00 00 09 3a 40 20 01 0d b8 00 00 00 00 00 00 00 00"  // IPv6
    "00 00 00 01 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
    "80 00 0b ad 00 01 00 01"  // ICMPv6: checksum 0x0bad (wrong)
    "78"};                     // data

constexpr packet_case dns_message_of_11_bytes{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 27 1c 46 40 00 40 11 32 49 c0 00 02 01 c6 33 64 02"  // IPv4
    "a0 28 00 35 00 13 73 33"                                      // UDP 41000 > 53
    "00 00 00 00 00 00 00 00 00 00 00"};                           // 11 bytes

constexpr packet_case dns_answer_name_pointing_at_itself{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 3f 1c 46 40 00 40 11 32 31 c0 00 02 01 c6 33 64 02"  // IPv4
    "a0 28 00 35 00 2b 96 9c"                                      // UDP 41000 > 53
    "00 01 81 80 00 01 00 01 00 00 00 00"          // DNS header: 1 question, 1 answer
    "01 61 00 00 01 00 01"                         // question "a" A
    "c0 13"                                        // answer name: pointer to its own offset 0x13
    "00 01 00 01 00 00 00 3c 00 04 c0 00 02 01"};  // A 192.0.2.1

constexpr packet_case dns_question_with_forward_pointer{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 3f 1c 46 40 00 40 11 32 31 c0 00 02 01 c6 33 64 02"  // IPv4
    "a0 28 00 35 00 2b 6a 85"                                      // UDP 41000 > 53
    "00 01 01 00 00 01 00 00 00 00 00 00"                          // DNS header
    "03 77 77 77 c0 1e"  // question name "www" + pointer to offset 30 (forward)
    "00 01 00 01"        // type, class
    "07 65 78 61 6d 70 6c 65 03 63 6f 6d 00"};  // example.com at offset 22

constexpr packet_case dns_label_running_past_message{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 31 1c 46 40 00 40 11 32 3f c0 00 02 01 c6 33 64 02"  // IPv4
    "a0 28 00 35 00 1d fd 67"                                      // UDP 41000 > 53
    "00 01 01 00 00 01 00 00 00 00 00 00"                          // DNS header: 1 question
    "03 77 77 77 14 65 78 61 6d"};  // "www", then a 20-byte label with 4 bytes left

constexpr packet_case dns_name_of_256_octets{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 01 2c 1c 46 40 00 40 11 31 44 c0 00 02 01 c6 33 64 02"  // IPv4
    "a0 28 00 35 01 18 8e 18"                                      // UDP 41000 > 53
    "00 01 01 00 00 01 00 00 00 00 00 00"                          // DNS header
    "3f 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61"  // name of labels 63+63+63+62
                                                                   // (256 octets with lengths and
                                                                   // root), A IN
    "61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61"
    "61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61"
    "61 61 61 61 3f 62 62 62 62 62 62 62 62 62 62 62 62 62 62 62"
    "62 62 62 62 62 62 62 62 62 62 62 62 62 62 62 62 62 62 62 62"
    "62 62 62 62 62 62 62 62 62 62 62 62 62 62 62 62 62 62 62 62"
    "62 62 62 62 62 62 62 62 3f 63 63 63 63 63 63 63 63 63 63 63"
    "63 63 63 63 63 63 63 63 63 63 63 63 63 63 63 63 63 63 63 63"
    "63 63 63 63 63 63 63 63 63 63 63 63 63 63 63 63 63 63 63 63"
    "63 63 63 63 63 63 63 63 63 63 63 63 3e 64 64 64 64 64 64 64"
    "64 64 64 64 64 64 64 64 64 64 64 64 64 64 64 64 64 64 64 64"
    "64 64 64 64 64 64 64 64 64 64 64 64 64 64 64 64 64 64 64 64"
    "64 64 64 64 64 64 64 64 64 64 64 64 64 64 64 00 00 01 00 01"};

constexpr packet_case dns_label_type_0x40{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 35 1c 46 40 00 40 11 32 3b c0 00 02 01 c6 33 64 02"  // IPv4
    "a0 28 00 35 00 21 51 62"                                      // UDP 41000 > 53
    "00 01 01 00 00 01 00 00 00 00 00 00"                          // DNS header
    "03 77 77 77 41 61 62 63 00 00 01 00 01"};  // "www", then length octet 0x41 (extended label
                                                // type 01)

constexpr packet_case dns_rdata_length_100_of_4{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 3f 1c 46 40 00 40 11 32 31 c0 00 02 01 c6 33 64 02"  // IPv4
    "a0 28 00 35 00 2b 3d 9c"                                      // UDP 41000 > 53
    "00 01 81 80 00 01 00 01 00 00 00 00"                          // DNS header
    "01 61 00 00 01 00 01"                                         // question "a" A
    "c0 0c 00 01 00 01 00 00 00 3c 00 64 c0 00 02 01"};  // answer: A, RDLENGTH 100, 4 bytes follow

constexpr packet_case dns_answer_count_3_with_1_answer{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 3f 1c 46 40 00 40 11 32 31 c0 00 02 01 c6 33 64 02"  // IPv4
    "a0 28 00 35 00 2b 9d 9a"                                      // UDP 41000 > 53
    "00 01 81 80 00 01 00 03 00 00 00 00"                          // DNS header: ANCOUNT 3
    "01 61 00 00 01 00 01"                                         // question "a" A
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c0 00 02 01"};            // the only answer: A 192.0.2.1

constexpr packet_case dns_1025_root_questions{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 14 2d 1c 46 40 00 40 11 1e 43 c0 00 02 01 c6 33 64 02"  // IPv4
    "a0 28 00 35 14 19 40 21"                                      // UDP 41000 > 53
    "00 01 01 00 04 01 00 00 00 00 00 00"                          // DNS header: QDCOUNT 1025
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"  // 1025 questions ". A IN", 5
                                                                   // bytes each
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01 00 00 01 00 01 00 00 01 00 01 00 00 01 00 01"
    "00 00 01 00 01"};

constexpr packet_case dns_a_record_with_5_bytes{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 40 1c 46 40 00 40 11 32 30 c0 00 02 01 c6 33 64 02"  // IPv4
    "a0 28 00 35 00 2c 9c 95"                                      // UDP 41000 > 53
    "00 01 81 80 00 01 00 01 00 00 00 00"                          // DNS header
    "01 61 00 00 01 00 01"                                         // question "a" A
    "c0 0c 00 01 00 01 00 00 00 3c 00 05 c0 00 02 01 05"};         // answer: A with RDLENGTH 5

// Radiotap (LINKTYPE_IEEE802_11_RADIOTAP, 127): a link type this decoder does not decode.
constexpr packet_case radiotap_header{127, "00 00 08 00 00 00 00 00"};

/// How to produce one anomaly: a case and, for a snapshot cut, how many bytes were kept.
struct trigger {
    packet_case bytes;
    std::size_t caplen = SIZE_MAX;
};

// Every anomaly name needs a trigger_for_<name>(): a name without one fails to build.
#define PKTSCOPE_DECLARE_TRIGGER(name) trigger trigger_for_##name();
PKTSCOPE_ANOMALIES(PKTSCOPE_DECLARE_TRIGGER)
#undef PKTSCOPE_DECLARE_TRIGGER

// 100-byte frame, 60 bytes kept: only the capture is short, nothing is malformed.
trigger trigger_for_capture_truncated() {
    return {udp_datagram_of_100_bytes, 60};
}
// tshark: "Malformed Packet".
trigger trigger_for_truncated_link_header() {
    return {ethernet_header_of_10_bytes};
}
trigger trigger_for_unsupported_linktype() {
    return {radiotap_header};
}
// tshark: "Malformed Packet" in the vlan layer.
trigger trigger_for_truncated_vlan_tag() {
    return {vlan_tag_cut_after_tci};
}
// tshark follows all five tags; this decoder stops after four by design (max_vlan_tags).
trigger trigger_for_vlan_depth_exceeded() {
    return {five_stacked_vlan_tags};
}
// tshark: "IPv4 total length exceeds packet length (19 bytes)".
trigger trigger_for_truncated_ipv4_header() {
    return {ipv4_header_of_19_bytes};
}
// tshark: "Bogus IPv4 version".
trigger trigger_for_bad_ipv4_version() {
    return {ipv4_version_5};
}
// tshark: "Bogus IP header length (16, must be at least 20)".
trigger trigger_for_bad_ipv4_ihl() {
    return {ipv4_ihl_4};
}
// tshark: "Bogus IP length".
trigger trigger_for_bad_ipv4_total_length() {
    return {ipv4_total_length_19};
}
// tshark: "IPv4 total length exceeds packet length (28 bytes)".
trigger trigger_for_ipv4_total_length_exceeds_capture() {
    return {ipv4_total_length_100_of_28_captured};
}
// tshark reads it as TSO too ("reported as 0, presumed to be because of TSO").
trigger trigger_for_ipv4_total_length_zero() {
    return {ipv4_total_length_0_icmp_echo};
}
// tshark: "Record Route (option length = 8 bytes says option goes past end of options)".
trigger trigger_for_ipv4_option_overrun() {
    return {ipv4_record_route_length_past_header};
}
// tshark: "Bad checksum [should be 0x3254]".
trigger trigger_for_bad_ipv4_checksum() {
    return {ipv4_header_checksum_wrong};
}
// tshark: "IPv6 header must be exactly 40 bytes".
trigger trigger_for_truncated_ipv6_header() {
    return {ipv6_header_of_39_bytes};
}
// tshark: "Bogus IPv6 version".
trigger trigger_for_bad_ipv6_version() {
    return {ipv6_ethertype_with_version_4};
}
// tshark: "IPv6 payload length exceeds framing length (8 bytes)".
trigger trigger_for_ipv6_payload_length_exceeds_capture() {
    return {ipv6_payload_length_100_of_8_captured};
}
// tshark: "IPv6 payload length equals 0 (maybe because of TSO)".
trigger trigger_for_ipv6_payload_length_zero() {
    return {ipv6_payload_length_0_udp};
}
// tshark: "Malformed Packet" in the hop-by-hop header.
trigger trigger_for_truncated_ipv6_extension() {
    return {ipv6_hop_by_hop_longer_than_payload};
}
// tshark follows all nine; this decoder stops after max_ipv6_extensions (8) by design.
trigger trigger_for_ipv6_extension_limit_exceeded() {
    return {ipv6_nine_destination_options_headers};
}
// tshark: "Malformed Packet" in TCP.
trigger trigger_for_truncated_tcp_header() {
    return {tcp_segment_of_12_bytes};
}
// tshark: "Bogus TCP header length (16, must be at least 20)".
trigger trigger_for_bad_tcp_data_offset() {
    return {tcp_data_offset_4};
}
// tshark: "Timestamps (option length = 8 bytes says option goes past end of options)".
trigger trigger_for_tcp_option_overrun() {
    return {tcp_timestamp_option_past_header};
}
// tshark: "option length should be 4".
trigger trigger_for_bad_tcp_option_length() {
    return {tcp_mss_option_length_3};
}
// tshark: "Bad checksum [should be 0x2c29]".
trigger trigger_for_bad_tcp_checksum() {
    return {tcp_checksum_wrong};
}
// tshark: "Malformed Packet" in UDP.
trigger trigger_for_truncated_udp_header() {
    return {udp_header_of_6_bytes};
}
// tshark: "Bad length value 100 > IP payload length".
trigger trigger_for_bad_udp_length() {
    return {udp_length_100_in_12_bytes};
}
// tshark: "Bad checksum [should be 0x0a9f]".
trigger trigger_for_bad_udp_checksum() {
    return {udp_checksum_wrong};
}
// tshark: "Illegal checksum value (0)".
trigger trigger_for_udp_zero_checksum_ipv6() {
    return {udp_over_ipv6_with_zero_checksum};
}
// tshark: "Malformed Packet" in ICMP.
trigger trigger_for_truncated_icmp_header() {
    return {icmp_message_of_3_bytes};
}
// tshark: "Bad checksum [should be 0x7ffd]".
trigger trigger_for_bad_icmp_checksum() {
    return {icmp_checksum_wrong};
}
// tshark: "Bad checksum [should be 0xac44]".
trigger trigger_for_bad_icmpv6_checksum() {
    return {icmpv6_checksum_wrong};
}
// tshark: "Malformed Packet" in DNS.
trigger trigger_for_truncated_dns_header() {
    return {dns_message_of_11_bytes};
}
// tshark: "<Name contains a pointer that loops>".
trigger trigger_for_dns_pointer_loop() {
    return {dns_answer_name_pointing_at_itself};
}
// tshark follows forward pointers; RFC 1035 4.1.4 allows only a prior occurrence.
trigger trigger_for_dns_pointer_forward() {
    return {dns_question_with_forward_pointer};
}
// tshark: "Malformed Packet" in DNS.
trigger trigger_for_dns_label_overrun() {
    return {dns_label_running_past_message};
}
// tshark: "<Name too long>".
trigger trigger_for_dns_name_too_long() {
    return {dns_name_of_256_octets};
}
// tshark: "Malformed Packet" in DNS.
trigger trigger_for_dns_bad_label_type() {
    return {dns_label_type_0x40};
}
// tshark: "Malformed Packet" in DNS.
trigger trigger_for_dns_record_overrun() {
    return {dns_rdata_length_100_of_4};
}
// tshark: "Malformed Packet" in DNS.
trigger trigger_for_dns_count_exceeds_message() {
    return {dns_answer_count_3_with_1_answer};
}
// tshark walks all 1025 questions; this decoder stops after max_dns_entries (1024).
trigger trigger_for_dns_record_limit_exceeded() {
    return {dns_1025_root_questions};
}
// tshark reads the first 4 bytes as the address and says nothing; RFC 1035 3.4.1: an A
// record's RDATA is exactly 32 bits.
trigger trigger_for_dns_bad_rdata() {
    return {dns_a_record_with_5_bytes};
}

decoded_case decode_trigger(const trigger& t) {
    return t.caplen == SIZE_MAX ? decode_case(t.bytes) : decode_cut(t.bytes, t.caplen);
}

// One test per anomaly name, named after it: the trigger yields that anomaly and no other.
#define PKTSCOPE_ANOMALY_TEST(name)                                              \
    TEST(AnomalyTest, name) {                                                    \
        const decoded_case d = decode_trigger(trigger_for_##name());             \
        EXPECT_EQ(anomaly_names(d->anomalies), std::vector<std::string>{#name}); \
    }
PKTSCOPE_ANOMALIES(PKTSCOPE_ANOMALY_TEST)
#undef PKTSCOPE_ANOMALY_TEST

// Each name has bytes of its own: no trigger is shared between two names.
TEST(AnomalyName, EveryTriggerIsDistinct) {
    std::set<std::string> hexes;
#define PKTSCOPE_COLLECT(name) hexes.insert(std::string(trigger_for_##name().bytes.hex));
    PKTSCOPE_ANOMALIES(PKTSCOPE_COLLECT)
#undef PKTSCOPE_COLLECT
    EXPECT_EQ(hexes.size(), anomaly_count);
}

// Where decoding stopped matters as much as the name: these check what survived.
TEST(AnomalyDetail, CountExceedsMessageKeepsTheRecordsRead) {
    const auto d = decode_case(dns_answer_count_3_with_1_answer);
    ASSERT_TRUE(d->dns);
    EXPECT_EQ(d->dns->questions_read, 1);
    EXPECT_EQ(d->dns->records_read, 1);
    EXPECT_FALSE(d->dns->complete);
}

TEST(AnomalyDetail, RecordLimitStopsAtTheCap) {
    const auto d = decode_case(dns_1025_root_questions);
    ASSERT_TRUE(d->dns);
    EXPECT_EQ(d->dns->message.qdcount(), 1025);
    EXPECT_EQ(d->dns->questions_read, max_dns_entries);
}

TEST(AnomalyDetail, VlanDepthExceededKeepsFourTagsAndNoNetworkLayer) {
    const auto d = decode_case(five_stacked_vlan_tags);
    EXPECT_EQ(d->vlan_count, max_vlan_tags);
    EXPECT_EQ(d->vlan_tags[3].vid, 4);
    EXPECT_FALSE(d->ipv4);
}

TEST(AnomalyDetail, CaptureTruncatedDecodesWhatWasKept) {
    const auto d = decode_cut(udp_datagram_of_100_bytes, 60);
    ASSERT_TRUE(d->udp);
    EXPECT_EQ(d->udp->length(), 66);
    EXPECT_EQ(d->payload_length, 58u);
    EXPECT_EQ(d->payload.size(), 60u - 14 - 20 - 8);
    EXPECT_EQ(d->l4_checksum.status, checksum_status::unverified);
}

TEST(AnomalyDetail, BadRdataDoesNotStopTheWalk) {
    const auto d = decode_case(dns_a_record_with_5_bytes);
    ASSERT_TRUE(d->dns);
    EXPECT_EQ(d->dns->records_read, 1);
    EXPECT_TRUE(d->dns->complete);
}

TEST(AnomalyName, MatchesTheXMacroSpelling) {
    EXPECT_EQ(anomaly_name(anomaly::capture_truncated), "capture_truncated");
    EXPECT_EQ(anomaly_name(anomaly::vlan_depth_exceeded), "vlan_depth_exceeded");
    EXPECT_EQ(anomaly_name(anomaly::dns_bad_rdata), "dns_bad_rdata");
    EXPECT_EQ(anomaly_name(anomaly::count_), "unknown");
    EXPECT_EQ(anomaly_name(static_cast<anomaly>(200)), "unknown");
}

TEST(AnomalyName, NamesAreUniqueSnakeCase) {
    std::set<std::string_view> seen;
    for (std::size_t i = 0; i < anomaly_count; ++i) {
        const std::string_view name = anomaly_name(static_cast<anomaly>(i));
        EXPECT_TRUE(seen.insert(name).second) << name;
        EXPECT_FALSE(name.empty());
        for (char c : name)
            EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') << name;
    }
}

TEST(AnomalySet, AddContainsAndOrder) {
    anomaly_set set;
    EXPECT_TRUE(set.empty());
    set.add(anomaly::dns_bad_rdata);  // the last name: lives in the second 64-bit word
    set.add(anomaly::capture_truncated);
    set.add(anomaly::capture_truncated);
    EXPECT_FALSE(set.empty());
    EXPECT_TRUE(set.contains(anomaly::dns_bad_rdata));
    EXPECT_TRUE(set.contains(anomaly::capture_truncated));
    EXPECT_FALSE(set.contains(anomaly::bad_tcp_checksum));
    EXPECT_EQ(anomaly_names(set), (std::vector<std::string>{"capture_truncated", "dns_bad_rdata"}));
    anomaly_set other;
    other.add(anomaly::capture_truncated);
    EXPECT_NE(set, other);
    other.add(anomaly::dns_bad_rdata);
    EXPECT_EQ(set, other);
}

TEST(AnomalySet, EveryNameFitsTheBitset) {
    anomaly_set set;
    for (std::size_t i = 0; i < anomaly_count; ++i) set.add(static_cast<anomaly>(i));
    std::size_t n = 0;
    set.for_each([&](anomaly) { ++n; });
    EXPECT_EQ(n, anomaly_count);
}

TEST(AnomalyCounters, CountPerName) {
    anomaly_counters counters;
    anomaly_set a, b;
    a.add(anomaly::bad_tcp_checksum);
    b.add(anomaly::bad_tcp_checksum);
    b.add(anomaly::dns_pointer_loop);
    counters.add(a);
    counters.add(b);
    counters.add(anomaly_set{});
    EXPECT_EQ(counters[anomaly::bad_tcp_checksum], 2u);
    EXPECT_EQ(counters[anomaly::dns_pointer_loop], 1u);
    EXPECT_EQ(counters[anomaly::capture_truncated], 0u);
}

}  // namespace
}  // namespace pktscope::test
