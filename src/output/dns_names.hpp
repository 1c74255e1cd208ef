// Mnemonics of DNS numbers for output, with RFC 3597's generic forms ("TYPE65280",
// "CLASS3", and "RCODE12" by analogy) for numbers without a name (internal).
#pragma once

#include <string_view>

#include <fmt/format.h>

#include "pktscope/dns.hpp"

namespace pktscope {

/// Room for "CLASS65535" and the like.
using dns_mnemonic_buffer = char[16];

inline std::string_view generic_mnemonic(dns_mnemonic_buffer& buf, std::string_view name,
                                         std::string_view prefix, unsigned value) {
    if (!name.empty()) return name;
    const auto end = fmt::format_to_n(buf, sizeof buf, "{}{}", prefix, value).out;
    return {buf, static_cast<std::size_t>(end - buf)};
}

inline std::string_view type_mnemonic(dns_mnemonic_buffer& buf, std::uint16_t type) {
    return generic_mnemonic(buf, dns_type_name(type), "TYPE", type);
}
inline std::string_view class_mnemonic(dns_mnemonic_buffer& buf, std::uint16_t rrclass) {
    return generic_mnemonic(buf, dns_class_name(rrclass), "CLASS", rrclass);
}
inline std::string_view rcode_mnemonic(dns_mnemonic_buffer& buf, std::uint16_t rcode) {
    return generic_mnemonic(buf, dns_rcode_name(rcode), "RCODE", rcode);
}
inline std::string_view opcode_mnemonic(dns_mnemonic_buffer& buf, std::uint8_t opcode) {
    return generic_mnemonic(buf, dns_opcode_name(opcode), "OPCODE", opcode);
}

}  // namespace pktscope
