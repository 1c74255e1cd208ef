// Escaping of bytes that came off the wire before they reach a terminal or a JSON string.
//
// Control characters (C0), DEL, every byte >= 0x80 (so C1 controls and UTF-8 bidi overrides
// such as U+202E) and the escape character itself never pass through raw.
#pragma once

#include <cstddef>
#include <string_view>

#include "pktscope/bytes.hpp"

namespace pktscope {

/// A fixed-capacity text buffer for the allocation-free decode path. Appends past the
/// capacity are dropped and remembered in `truncated`.
template <std::size_t Capacity>
struct fixed_text {
    char data[Capacity];
    std::size_t size = 0;
    bool truncated = false;

    void push_back(char c) noexcept {
        if (size < Capacity) data[size++] = c;
        else truncated = true;
    }
    void append(std::string_view s) noexcept {
        for (char c : s) push_back(c);
    }
    void clear() noexcept { size = 0; truncated = false; }
    std::string_view view() const noexcept { return {data, size}; }
};

/// Appends a DNS label byte in master-file presentation form (RFC 1035 5.1, as dig prints):
/// letters, digits, '-', '_' and other printable ASCII as is, '.' and '\\' and '"' escaped as
/// "\.", "\\", "\"", everything else (space, controls, DEL, >= 0x80) as "\DDD" decimal.
template <class Text>
void append_dns_label_byte(Text& out, unsigned char c) noexcept {
    if (c == '.' || c == '\\' || c == '"' || c == '(' || c == ')' || c == ';' || c == '@' ||
        c == '$') {
        out.push_back('\\');
        out.push_back(static_cast<char>(c));
    } else if (c > 0x20 && c < 0x7f) {
        out.push_back(static_cast<char>(c));
    } else {
        out.push_back('\\');
        out.push_back(static_cast<char>('0' + c / 100));
        out.push_back(static_cast<char>('0' + (c / 10) % 10));
        out.push_back(static_cast<char>('0' + c % 10));
    }
}

/// Appends bytes as text with C-style hex escapes: printable ASCII (0x20-0x7e) other than
/// '\\' as is, '\\' as "\\\\", everything else as "\xNN" (for payload previews and TXT data).
template <class Text>
void append_escaped_bytes(Text& out, byte_span bytes) noexcept {
    static constexpr char hex[] = "0123456789abcdef";
    for (std::byte b : bytes) {
        const auto c = static_cast<unsigned char>(b);
        if (c == '\\') {
            out.push_back('\\');
            out.push_back('\\');
        } else if (c >= 0x20 && c < 0x7f) {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('\\');
            out.push_back('x');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
}

}  // namespace pktscope
