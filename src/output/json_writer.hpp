// A minimal streaming JSON object writer over fmt::memory_buffer (internal to the output
// library). It handles commas; callers handle nesting order.
#pragma once

#include <cstdint>
#include <string_view>

#include <fmt/format.h>

#include "pktscope/output.hpp"

namespace pktscope::json {

/// Writes `"key":` preceded by a comma unless `first` (which it then clears).
inline void key(fmt::memory_buffer& out, bool& first, std::string_view k) {
    if (!first) out.push_back(',');
    first = false;
    out.push_back('"');
    out.append(k);
    out.push_back('"');
    out.push_back(':');
}

inline void number(fmt::memory_buffer& out, std::int64_t v) { fmt::format_to(std::back_inserter(out), "{}", v); }
inline void number(fmt::memory_buffer& out, std::uint64_t v) { fmt::format_to(std::back_inserter(out), "{}", v); }
inline void number(fmt::memory_buffer& out, double v) { fmt::format_to(std::back_inserter(out), "{:.6f}", v); }
inline void boolean(fmt::memory_buffer& out, bool v) { out.append(v ? std::string_view("true") : std::string_view("false")); }

/// An object scope: `{` on construction, `}` on close(); fields via field().
class object {
public:
    explicit object(fmt::memory_buffer& out) : out_(out) { out_.push_back('{'); }
    void close() { out_.push_back('}'); }
    void key(std::string_view k) { json::key(out_, first_, k); }
    template <class Int>
        requires std::is_integral_v<Int> && (!std::is_same_v<Int, bool>)
    void field(std::string_view k, Int v) {
        key(k);
        if constexpr (std::is_signed_v<Int>) number(out_, static_cast<std::int64_t>(v));
        else number(out_, static_cast<std::uint64_t>(v));
    }
    void field(std::string_view k, bool v) { key(k); boolean(out_, v); }
    void field(std::string_view k, double v) { key(k); number(out_, v); }
    void field(std::string_view k, std::string_view v) { key(k); append_json_string(out_, v); }
    void field(std::string_view k, const char* v) { field(k, std::string_view(v)); }
    fmt::memory_buffer& out() { return out_; }

private:
    fmt::memory_buffer& out_;
    bool first_ = true;
};

}  // namespace pktscope::json
