// Appending addresses to output buffers (internal to the output library).
#pragma once

#include <fmt/format.h>

#include "pktscope/address.hpp"

namespace pktscope {

template <class Address>
inline void append_address(fmt::memory_buffer& out, const Address& a) {
    char buf[ipv6_text_max + 1];
    out.append(std::string_view(buf, static_cast<std::size_t>(format_to(buf, a) - buf)));
}

template <class Address>
inline std::string_view address_view(char (&buf)[ipv6_text_max + 1], const Address& a) {
    return {buf, static_cast<std::size_t>(format_to(buf, a) - buf)};
}

}  // namespace pktscope
