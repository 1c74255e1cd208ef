#include "pktscope/address.hpp"

#include <charconv>

namespace pktscope {
namespace {

constexpr char hex_digits[] = "0123456789abcdef";

char* put_decimal(char* out, unsigned value) noexcept {
    if (value >= 100) *out++ = static_cast<char>('0' + value / 100);
    if (value >= 10) *out++ = static_cast<char>('0' + (value / 10) % 10);
    *out++ = static_cast<char>('0' + value % 10);
    return out;
}

char* put_hex16(char* out, unsigned value) noexcept {
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
        const unsigned nibble = (value >> shift) & 0xfU;
        if (nibble != 0 || started || shift == 0) {
            *out++ = hex_digits[nibble];
            started = true;
        }
    }
    return out;
}

}  // namespace

char* format_to(char* out, mac_address address) noexcept {
    for (std::size_t i = 0; i < 6; ++i) {
        if (i != 0) *out++ = ':';
        *out++ = hex_digits[address.octets[i] >> 4];
        *out++ = hex_digits[address.octets[i] & 0xf];
    }
    return out;
}

char* format_to(char* out, ipv4_address address) noexcept {
    for (int shift = 24; shift >= 0; shift -= 8) {
        out = put_decimal(out, (address.value >> shift) & 0xffU);
        if (shift != 0) *out++ = '.';
    }
    return out;
}

char* format_to(char* out, ipv6_address address) noexcept {
    unsigned words[8];
    for (std::size_t i = 0; i < 8; ++i)
        words[i] = (unsigned{address.octets[2 * i]} << 8) | address.octets[2 * i + 1];

    // Longest run of zero words (length >= 2), first one on ties (RFC 5952 4.2.3).
    int best_start = -1, best_len = 0;
    for (int i = 0; i < 8;) {
        if (words[i] != 0) { ++i; continue; }
        int j = i;
        while (j < 8 && words[j] == 0) ++j;
        if (j - i > best_len && j - i >= 2) { best_start = i; best_len = j - i; }
        i = j;
    }
    // Embedded IPv4 as glibc's inet_ntop writes it: ::a.b.c.d and ::ffff:a.b.c.d.
    const bool embedded_v4 =
        best_start == 0 && (best_len == 6 || (best_len == 5 && words[5] == 0xffff));
    const int words_as_hex = embedded_v4 ? 6 : 8;
    for (int i = 0; i < words_as_hex; ++i) {
        if (i == best_start) {
            *out++ = ':';
            if (i == 0) *out++ = ':';
            i += best_len - 1;
            continue;
        }
        out = put_hex16(out, words[i]);
        if (i + 1 < words_as_hex || embedded_v4) *out++ = ':';
    }
    if (embedded_v4) {
        const std::uint32_t v4 = (std::uint32_t{address.octets[12]} << 24) |
                                 (std::uint32_t{address.octets[13]} << 16) |
                                 (std::uint32_t{address.octets[14]} << 8) | address.octets[15];
        out = format_to(out, ipv4_address{v4});
    }
    return out;
}

bool parse_ipv4(std::string_view text, ipv4_address& out) noexcept {
    std::uint32_t value = 0;
    const char* p = text.data();
    const char* end = text.data() + text.size();
    for (int part = 0; part < 4; ++part) {
        if (part != 0) {
            if (p == end || *p != '.') return false;
            ++p;
        }
        if (p == end || *p < '0' || *p > '9') return false;
        unsigned octet = 0;
        const auto [next, ec] = std::from_chars(p, end, octet);
        // A leading zero ("010") is octal to inet_aton and an error to inet_pton: refuse it.
        if (ec != std::errc{} || octet > 255 || next - p > 3 || (*p == '0' && next - p > 1))
            return false;
        p = next;
        value = (value << 8) | octet;
    }
    if (p != end) return false;
    out.value = value;
    return true;
}

bool parse_ipv6(std::string_view text, ipv6_address& out) noexcept {
    std::uint16_t words[8] = {};
    int count = 0, gap = -1;
    std::size_t i = 0;
    if (text.size() >= 2 && text[0] == ':' && text[1] == ':') {
        gap = 0;
        i = 2;
    } else if (!text.empty() && text[0] == ':') {
        return false;
    }
    while (i < text.size()) {
        // An embedded dotted quad ends the address.
        const std::size_t next_colon = text.find(':', i);
        const std::string_view group =
            text.substr(i, next_colon == std::string_view::npos ? text.size() - i : next_colon - i);
        if (group.find('.') != std::string_view::npos) {
            ipv4_address v4;
            if (next_colon != std::string_view::npos || count > 6 || !parse_ipv4(group, v4))
                return false;
            words[count++] = static_cast<std::uint16_t>(v4.value >> 16);
            words[count++] = static_cast<std::uint16_t>(v4.value & 0xffffU);
            i = text.size();
            break;
        }
        if (group.empty() || group.size() > 4 || count >= 8) return false;
        unsigned w = 0;
        const auto [ptr, ec] = std::from_chars(group.data(), group.data() + group.size(), w, 16);
        if (ec != std::errc{} || ptr != group.data() + group.size()) return false;
        words[count++] = static_cast<std::uint16_t>(w);
        i += group.size();
        if (i == text.size()) break;
        ++i;  // the ':'
        if (i < text.size() && text[i] == ':') {
            if (gap >= 0) return false;
            gap = count;
            ++i;
        } else if (i == text.size()) {
            return false;  // trailing single ':'
        }
    }
    if (gap < 0 && count != 8) return false;
    if (gap >= 0 && count > 7) return false;
    ipv6_address a;
    const int tail = gap >= 0 ? count - gap : 0;
    const int head = gap >= 0 ? gap : count;
    for (int k = 0; k < head; ++k) {
        a.octets[static_cast<std::size_t>(2 * k)] = static_cast<std::uint8_t>(words[k] >> 8);
        a.octets[static_cast<std::size_t>(2 * k + 1)] = static_cast<std::uint8_t>(words[k]);
    }
    for (int k = 0; k < tail; ++k) {
        const int dst = 8 - tail + k;
        a.octets[static_cast<std::size_t>(2 * dst)] = static_cast<std::uint8_t>(words[gap + k] >> 8);
        a.octets[static_cast<std::size_t>(2 * dst + 1)] = static_cast<std::uint8_t>(words[gap + k]);
    }
    out = a;
    return true;
}

}  // namespace pktscope
