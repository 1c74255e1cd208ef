// The mapping from a fuzzer input to a frame, and the work done on each frame. Shared by the
// libFuzzer target, the regression replay test and the seed extractor, so a saved crasher
// replays exactly as the fuzzer ran it.
//
// Input layout: byte 0 picks the link type (index into fuzz_linktypes, modulo its size),
// byte 1 is how many bytes the wire length exceeds the captured length by (0 = captured
// whole), the rest is the frame. The frame's bytes end exactly where the input ends, so
// AddressSanitizer sees any read past the capture.
#pragma once

#include <fmt/format.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "pktscope/decode.hpp"
#include "pktscope/output.hpp"

namespace pktscope::fuzz {

/// Link types the first input byte selects from (every one decode() understands).
inline constexpr std::array<std::uint16_t, 10> fuzz_linktypes = {
    linktype::en10mb, linktype::linux_sll, linktype::linux_sll2, linktype::null, linktype::loop,
    linktype::raw,    linktype::raw_dlt12, linktype::raw_dlt14,  linktype::ipv4, linktype::ipv6};

/// Bytes before the frame in a fuzz input.
inline constexpr std::size_t fuzz_prefix_bytes = 2;

/// Index of `dlt` in fuzz_linktypes, or nullopt when decode() does not understand it.
constexpr std::optional<std::uint8_t> fuzz_linktype_index(int dlt) noexcept {
    for (std::size_t i = 0; i < fuzz_linktypes.size(); ++i)
        if (fuzz_linktypes[i] == dlt) return static_cast<std::uint8_t>(i);
    return std::nullopt;
}

/// The frame a fuzz input describes; nullopt when the input is shorter than its prefix.
inline std::optional<frame> frame_from_fuzz_input(const std::uint8_t* data,
                                                  std::size_t size) noexcept {
    if (size < fuzz_prefix_bytes) return std::nullopt;
    frame f;
    f.linktype = fuzz_linktypes[data[0] % fuzz_linktypes.size()];
    f.data = as_bytes_of(data + fuzz_prefix_bytes, size - fuzz_prefix_bytes);
    f.caplen = static_cast<std::uint32_t>(f.data.size());
    f.wirelen = f.caplen + data[1];
    f.ts_ns = 1'700'000'000'123'456'789;
    return f;
}

/// Decodes `f` with and without checksum verification and DNS, and renders the default
/// decode as verbose text, plain text and JSON into `out` (cleared first).
inline void decode_and_render(const frame& f, fmt::memory_buffer& out) {
    decoded_packet p;
    decode(f, p, decode_options{.verify_checksums = false, .decode_dns = false});
    decode(f, p);
    out.clear();
    const packet_context context{1, {}, std::nullopt};
    text_renderer verbose({.verbose = true, .utc = true});
    verbose.render(out, f, p, context);
    text_renderer plain({.verbose = false, .utc = true});
    plain.render(out, f, p, context);
    render_packet_json(out, f, p, context);
}

}  // namespace pktscope::fuzz
