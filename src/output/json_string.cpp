#include "pktscope/output.hpp"

namespace pktscope {

void append_json_string(fmt::memory_buffer& out, std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    out.push_back('"');
    // Fast path: the plain printable prefix (all of it for addresses, names and statuses)
    // goes in with one append; only from the first byte that needs escaping on do we go
    // byte by byte.
    std::size_t plain = 0;
    while (plain < s.size()) {
        const auto c = static_cast<unsigned char>(s[plain]);
        if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') break;
        ++plain;
    }
    out.append(s.substr(0, plain));
    s.remove_prefix(plain);
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(ch);
        } else if (c >= 0x20 && c < 0x7f) {
            out.push_back(ch);
        } else {
            // Controls, DEL and every non-ASCII byte: our strings are already escaped text,
            // so a raw high byte here would be a bug upstream; keep the stream valid anyway.
            const char esc[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            out.append(std::string_view(esc, sizeof esc));
        }
    }
    out.push_back('"');
}

}  // namespace pktscope
