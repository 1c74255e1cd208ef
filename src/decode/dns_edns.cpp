// EDNS(0) options (RFC 6891 6.1.2): the option walk, Client Subnet (RFC 7871) and COOKIE
// (RFC 7873) in the text forms dig prints.
#include "pktscope/dns.hpp"
#include "pktscope/address.hpp"

namespace pktscope {
namespace {

void append_lower_hex(dns_rdata_text& out, byte_span bytes) noexcept {
    static constexpr char hex[] = "0123456789abcdef";
    for (std::byte b : bytes) {
        out.push_back(hex[static_cast<unsigned>(b) >> 4]);
        out.push_back(hex[static_cast<unsigned>(b) & 15U]);
    }
}

void append_decimal(dns_rdata_text& out, unsigned value) noexcept {
    char digits[8];
    int n = 0;
    do {
        digits[n++] = static_cast<char>('0' + value % 10);
        value /= 10;
    } while (value != 0);
    while (n > 0) out.push_back(digits[--n]);
}

}  // namespace

bool next_edns_option(byte_span rdata, std::size_t& offset, dns_edns_option& out,
                      std::optional<anomaly>& error) noexcept {
    if (offset >= rdata.size()) return false;
    if (!has_bytes(rdata, offset, 4)) {
        error = anomaly::dns_bad_rdata;
        return false;
    }
    const std::uint16_t length = load_be16(rdata, offset + 2);
    if (!has_bytes(rdata, offset + 4, length)) {
        error = anomaly::dns_bad_rdata;
        return false;
    }
    out.code = load_be16(rdata, offset);
    out.data = rdata.subspan(offset + 4, length);
    offset += 4 + std::size_t{length};
    return true;
}

std::optional<anomaly> format_edns_client_subnet(byte_span data, dns_rdata_text& out) noexcept {
    if (data.size() < 4) return anomaly::dns_bad_rdata;
    const std::uint16_t family = load_be16(data, 0);
    const unsigned source = load_u8(data, 2);
    const unsigned scope = load_u8(data, 3);
    const byte_span address = data.subspan(4);
    // RFC 7871 6: ADDRESS carries exactly ceil(SOURCE PREFIX-LENGTH / 8) octets.
    if (address.size() != (source + 7) / 8) return anomaly::dns_bad_rdata;
    char buf[ipv6_text_max + 1];
    if (family == 1) {
        if (source > 32 || scope > 32) return anomaly::dns_bad_rdata;
        std::uint32_t value = 0;
        for (std::size_t i = 0; i < 4; ++i)
            value = (value << 8) | (i < address.size() ? load_u8(address, i) : 0U);
        out.append({buf, format_to(buf, ipv4_address{value})});
    } else if (family == 2) {
        if (source > 128 || scope > 128) return anomaly::dns_bad_rdata;
        ipv6_address value;
        for (std::size_t i = 0; i < address.size(); ++i) value.octets[i] = load_u8(address, i);
        out.append({buf, format_to(buf, value)});
    } else {
        return anomaly::dns_bad_rdata;
    }
    out.push_back('/');
    append_decimal(out, source);
    out.push_back('/');
    append_decimal(out, scope);
    return std::nullopt;
}

std::optional<anomaly> format_edns_cookie(byte_span data, dns_rdata_text& client,
                                          dns_rdata_text& server) noexcept {
    if (data.size() != 8 && (data.size() < 16 || data.size() > 40)) return anomaly::dns_bad_rdata;
    append_lower_hex(client, data.first(8));
    append_lower_hex(server, data.subspan(8));
    return std::nullopt;
}

}  // namespace pktscope
