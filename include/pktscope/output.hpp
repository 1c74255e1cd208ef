// Rendering of records as text lines and JSON Lines, and a buffered output stream.
//
// Text and JSON are two renderings of the same facts: both read a decoded_packet (and the
// analyzers' records); neither computes anything the other does not see.
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "pktscope/anomaly.hpp"
#include "pktscope/capture.hpp"
#include "pktscope/decode.hpp"

namespace pktscope {

/// Schema version of the JSON Lines records, in the leading `meta` record.
inline constexpr int json_schema_version = 1;

/// The egress route chosen for a packet's destination (route annotation).
struct route_annotation {
    std::string_view prefix;  ///< "192.0.2.0/24"
    std::string_view dev;     ///< "eth0" (may be empty)
    std::string_view via;     ///< gateway address (may be empty)
};

/// Facts about a packet that do not come from its bytes.
struct packet_context {
    std::uint64_t frame_number = 0;           ///< 1-based, as tshark counts
    std::string_view interface_name;          ///< capture interface (for -i any), may be empty
    std::optional<route_annotation> route;    ///< set when annotating with routes
};

/// Text rendering knobs.
struct text_options {
    bool verbose = false;   ///< -v: IP TTL/id/flags/length, checksum values, more DNS
    bool utc = false;       ///< print times in UTC instead of local time
};

/// Renders tcpdump-like text lines. Holds a small cache of the formatted time of day, so
/// one renderer serves one output stream.
class text_renderer {
public:
    explicit text_renderer(text_options options = {}) noexcept : options_(options) {}
    /// Appends one line (with '\n') describing `p`.
    void render(fmt::memory_buffer& out, const frame& f, const decoded_packet& p,
                const packet_context& context);
    /// Appends "HH:MM:SS.nnnnnnnnn" for `ts_ns` (local time unless options.utc).
    void append_time(fmt::memory_buffer& out, std::int64_t ts_ns);

private:
    text_options options_;
    std::int64_t cached_second_ = INT64_MIN;
    char cached_hms_[8] = {};
};

/// Appends one `packet` JSON object (with '\n') as the README's schema describes.
void render_packet_json(fmt::memory_buffer& out, const frame& f, const decoded_packet& p,
                        const packet_context& context);

/// Appends the leading `meta` record: schema version, tool version, command, source.
void render_meta_json(fmt::memory_buffer& out, std::string_view command, std::string_view source,
                      int linktype);

/// Totals for the closing `summary` record.
struct capture_summary {
    std::uint64_t packets = 0;
    std::uint64_t bytes = 0;  ///< sum of wire lengths
    anomaly_counters anomalies;
    std::optional<capture_stats> stats;
    /// An analyzer's own totals, already rendered: one JSON member (`"name":{...}`) appended
    /// to the `summary` record, and lines appended to the text summary (both may be empty).
    std::string analyzer_json;
    std::string analyzer_text;
};

/// Appends the closing `summary` JSON record.
void render_summary_json(fmt::memory_buffer& out, const capture_summary& summary);
/// Appends the human summary (packets, bytes, anomaly counts, capture statistics) as text.
void render_summary_text(fmt::memory_buffer& out, const capture_summary& summary);

/// Appends `s` as a JSON string literal, escaping quotes, backslashes, control characters,
/// DEL and every non-ASCII byte (as \u00XX), so wire bytes can never corrupt the stream.
void append_json_string(fmt::memory_buffer& out, std::string_view s);

/// A buffered writer to a file descriptor that ends quietly when the reader goes away
/// (EPIPE: `pktscope ... | head` stops without an error message).
class output_stream {
public:
    explicit output_stream(int fd) noexcept : fd_(fd) {}
    output_stream(const output_stream&) = delete;
    output_stream& operator=(const output_stream&) = delete;
    ~output_stream() { flush(); }

    fmt::memory_buffer& buffer() noexcept { return buffer_; }
    /// Writes the buffer out when it has grown past `threshold` bytes.
    void maybe_flush(std::size_t threshold = 1 << 16) {
        if (buffer_.size() >= threshold) flush();
    }
    /// Writes everything buffered (retrying short writes and EINTR). Returns false once the
    /// reader has gone (EPIPE) or on another write error, after which output is dropped.
    bool flush() noexcept;
    /// True after EPIPE: the caller should stop producing output.
    bool reader_gone() const noexcept { return reader_gone_; }
    /// True after a write error other than EPIPE (e.g. disk full).
    bool failed() const noexcept { return failed_; }

private:
    int fd_;
    fmt::memory_buffer buffer_;
    bool reader_gone_ = false;
    bool failed_ = false;
};

}  // namespace pktscope
