// A minimal streaming JSON object writer over fmt::memory_buffer (internal to the output
// library). It handles commas; callers handle nesting order.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#include <fmt/format.h>

#include "pktscope/output.hpp"

namespace pktscope::json {

// The writers below are forced inline: a record is dozens of fields, and inlined at the call
// site every key is a literal of known length, copied without a call (and checked for room
// once instead of per character).
#define PKTSCOPE_JSON_INLINE [[gnu::always_inline]] inline

/// Writes `"key":` preceded by a comma unless `first` (which it then clears).
PKTSCOPE_JSON_INLINE void key(fmt::memory_buffer& out, bool& first, std::string_view k) {
    const std::size_t start = out.size();
    const std::size_t comma = first ? 0 : 1;
    out.resize(start + comma + k.size() + 3);
    char* d = out.data() + start;
    if (comma != 0) *d++ = ',';
    first = false;
    *d++ = '"';
    std::memcpy(d, k.data(), k.size());
    d += k.size();
    *d++ = '"';
    *d = ':';
}

// Integers through fmt::format_int: no format string to parse for every field of every packet.
PKTSCOPE_JSON_INLINE void number(fmt::memory_buffer& out, std::int64_t v) {
    const fmt::format_int text(static_cast<long long>(v));
    out.append(text.data(), text.data() + text.size());
}
PKTSCOPE_JSON_INLINE void number(fmt::memory_buffer& out, std::uint64_t v) {
    const fmt::format_int text(static_cast<unsigned long long>(v));
    out.append(text.data(), text.data() + text.size());
}
inline void number(fmt::memory_buffer& out, double v) { fmt::format_to(std::back_inserter(out), "{:.6f}", v); }
PKTSCOPE_JSON_INLINE void boolean(fmt::memory_buffer& out, bool v) { out.append(v ? std::string_view("true") : std::string_view("false")); }

/// An object scope: `{` on construction, `}` on close(); fields via field().
class object {
public:
    explicit object(fmt::memory_buffer& out) : out_(out) { out_.push_back('{'); }
    void close() { out_.push_back('}'); }
    PKTSCOPE_JSON_INLINE void key(std::string_view k) { json::key(out_, first_, k); }
    template <class Int>
        requires std::is_integral_v<Int> && (!std::is_same_v<Int, bool>)
    PKTSCOPE_JSON_INLINE void field(std::string_view k, Int v) {
        key(k);
        if constexpr (std::is_signed_v<Int>) number(out_, static_cast<std::int64_t>(v));
        else number(out_, static_cast<std::uint64_t>(v));
    }
    PKTSCOPE_JSON_INLINE void field(std::string_view k, bool v) { key(k); boolean(out_, v); }
    void field(std::string_view k, double v) { key(k); number(out_, v); }
    PKTSCOPE_JSON_INLINE void field(std::string_view k, std::string_view v) {
        key(k);
        append_json_string(out_, v);
    }
    void field(std::string_view k, const char* v) { field(k, std::string_view(v)); }
    fmt::memory_buffer& out() { return out_; }

private:
    fmt::memory_buffer& out_;
    bool first_ = true;
};

}  // namespace pktscope::json
