// TCP header and options (RFC 9293 section 3.1; options: RFC 9293 3.2, RFC 7323, RFC 2018).
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>

#include "pktscope/anomaly.hpp"
#include "pktscope/bytes.hpp"
#include "pktscope/result.hpp"

namespace pktscope {

/// A TCP sequence number: 32-bit, compared modulo 2^32 (RFC 9293 3.4, "serial" arithmetic).
class tcp_seq {
public:
    constexpr tcp_seq() noexcept = default;
    constexpr explicit tcp_seq(std::uint32_t value) noexcept : value_(value) {}
    constexpr std::uint32_t value() const noexcept { return value_; }
    /// Signed distance from `other` to this (positive when this is after other).
    constexpr std::int32_t operator-(tcp_seq other) const noexcept {
        return static_cast<std::int32_t>(value_ - other.value_);
    }
    constexpr tcp_seq operator+(std::uint32_t n) const noexcept { return tcp_seq{value_ + n}; }
    friend constexpr bool operator==(tcp_seq, tcp_seq) = default;
    /// Modular order: a < b when b is within 2^31 after a.
    friend constexpr std::strong_ordering operator<=>(tcp_seq a, tcp_seq b) noexcept {
        return (a - b) <=> 0;
    }

private:
    std::uint32_t value_ = 0;
};

/// Flag bits of the 12-bit flags field (host order), RFC 9293 3.1 and RFC 3168 / AccECN.
namespace tcp_flag {
inline constexpr std::uint16_t fin = 0x001;
inline constexpr std::uint16_t syn = 0x002;
inline constexpr std::uint16_t rst = 0x004;
inline constexpr std::uint16_t psh = 0x008;
inline constexpr std::uint16_t ack = 0x010;
inline constexpr std::uint16_t urg = 0x020;
inline constexpr std::uint16_t ece = 0x040;
inline constexpr std::uint16_t cwr = 0x080;
inline constexpr std::uint16_t ae = 0x100;  ///< AccECN (formerly the ECN nonce, RFC 3540)
}  // namespace tcp_flag

/// View of a TCP header. parse() guarantees the 20-byte fixed part.
class tcp_view {
public:
    static constexpr std::size_t min_header_length = 20;

    tcp_view() noexcept = default;
    /// The view of `bytes` without parse()'s checks, for building it in place (e.g.
    /// `optional::emplace`) once parse() has accepted the same bytes. Every accessor stays
    /// bounds-checked (out of range reads give 0), so even unchecked bytes are read safely.
    explicit tcp_view(byte_span bytes) noexcept : bytes_(bytes) {}

    /// Errors: truncated_tcp_header (< 20 bytes).
    static result<tcp_view> parse(byte_span bytes) noexcept {
        if (bytes.size() < min_header_length) return anomaly::truncated_tcp_header;
        return tcp_view(bytes);
    }

    std::uint16_t source_port() const noexcept { return load_be16(bytes_, 0); }
    std::uint16_t destination_port() const noexcept { return load_be16(bytes_, 2); }
    tcp_seq sequence_number() const noexcept { return tcp_seq{load_be32(bytes_, 4)}; }
    tcp_seq ack_number() const noexcept { return tcp_seq{load_be32(bytes_, 8)}; }
    /// Data offset in 32-bit words (valid: 5..15).
    std::uint8_t data_offset() const noexcept { return static_cast<std::uint8_t>(load_u8(bytes_, 12) >> 4); }
    /// Header length in bytes (data_offset * 4), as tshark's tcp.hdr_len.
    std::size_t header_length() const noexcept { return std::size_t{data_offset()} * 4; }
    /// The 12 flag bits (tcp_flag::*), as tshark's tcp.flags.
    std::uint16_t flags() const noexcept {
        return static_cast<std::uint16_t>(load_be16(bytes_, 12) & 0x0fffU);
    }
    bool has(std::uint16_t flag) const noexcept { return (flags() & flag) != 0; }
    /// Receive window, unscaled (tcp.window_size_value).
    std::uint16_t window() const noexcept { return load_be16(bytes_, 14); }
    std::uint16_t checksum() const noexcept { return load_be16(bytes_, 16); }
    std::uint16_t urgent_pointer() const noexcept { return load_be16(bytes_, 18); }
    /// Option bytes (clamped to the capture); empty when the data offset is invalid.
    byte_span options() const noexcept {
        return data_offset() > 5 ? clamp_subspan(bytes_, min_header_length, header_length() - 20)
                                 : byte_span{};
    }
    /// All captured bytes from the header start.
    byte_span bytes() const noexcept { return bytes_; }

private:
    byte_span bytes_;
};

/// One SACK block (RFC 2018): [left, right).
struct tcp_sack_block {
    tcp_seq left;
    tcp_seq right;
};

/// TCP timestamps option (RFC 7323 3.2).
struct tcp_timestamp {
    std::uint32_t tsval = 0;
    std::uint32_t tsecr = 0;
};

/// The options the decoder understands; unknown kinds are skipped by their length.
struct tcp_options {
    std::optional<std::uint16_t> mss;           ///< kind 2, bytes
    std::optional<std::uint8_t> window_scale;   ///< kind 3, shift count
    bool sack_permitted = false;                ///< kind 4
    std::optional<tcp_timestamp> timestamp;     ///< kind 8
    std::array<tcp_sack_block, 4> sack{};       ///< kind 5 blocks
    std::uint8_t sack_count = 0;
    bool any = false;                           ///< true when any option byte was present
};

/// Parses the option bytes of a TCP header. Anomalies: tcp_option_overrun (a length runs
/// past the end or is < 2), bad_tcp_option_length (MSS not 4, WS not 3, ...). No allocation.
tcp_options parse_tcp_options(byte_span options, anomaly_set& anomalies) noexcept;

}  // namespace pktscope
