#include <cstdio>
#include <type_traits>

#include "pktscope/address.hpp"
#include "pktscope/dns.hpp"

namespace pktscope {
namespace {

// Swallows text: one walk over RDATA serves both formatting it and merely checking it (on
// the decode path, where nothing is printed).
struct no_text {
    void push_back(char) noexcept {}
    void append(std::string_view) noexcept {}
};

template <class Out>
void append_number(Out& out, std::uint64_t value) noexcept {
    char digits[24];
    int n = 0;
    do {
        digits[n++] = static_cast<char>('0' + value % 10);
        value /= 10;
    } while (value != 0);
    while (n > 0) out.push_back(digits[--n]);
}

// Appends the name at `offset`; returns the offset past it or the anomaly.
template <class Out>
result<std::size_t> append_name(Out& out, byte_span msg, std::size_t offset) noexcept {
    if constexpr (std::is_same_v<Out, no_text>) {
        return read_dns_name(msg, offset, nullptr);
    } else {
        dns_name_text name;
        const auto end = read_dns_name(msg, offset, &name);
        if (end) out.append(name.view());
        return end;
    }
}

// Appends one <character-string> (RFC 1035 3.3) quoted as dig prints it.
template <class Out>
void append_character_string(Out& out, byte_span bytes) noexcept {
    out.push_back('"');
    for (std::byte b : bytes) {
        const auto c = static_cast<unsigned char>(b);
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(static_cast<char>(c));
        } else if (c >= 0x20 && c < 0x7f) {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('\\');
            out.push_back(static_cast<char>('0' + c / 100));
            out.push_back(static_cast<char>('0' + (c / 10) % 10));
            out.push_back(static_cast<char>('0' + c % 10));
        }
    }
    out.push_back('"');
}

template <class Out>
void append_hex(Out& out, byte_span bytes) noexcept {
    static constexpr char hex[] = "0123456789ABCDEF";
    for (std::byte b : bytes) {
        out.push_back(hex[static_cast<unsigned>(b) >> 4]);
        out.push_back(hex[static_cast<unsigned>(b) & 15U]);
    }
}

// A name inside RDATA must end inside the RDATA.
template <class Out>
std::optional<anomaly> name_in_rdata(Out& out, byte_span msg, std::size_t offset,
                                     std::size_t rdata_end, std::size_t* next = nullptr) noexcept {
    const auto end = append_name(out, msg, offset);
    if (!end) return end.error();
    if (*end > rdata_end) return anomaly::dns_bad_rdata;
    if (next != nullptr) *next = *end;
    return std::nullopt;
}

template <class Out>
std::optional<anomaly> rdata_to(byte_span msg, const dns_record& r, Out& out) noexcept {
    const std::size_t start = r.rdata_offset;
    const std::size_t len = r.rdata_length;
    const std::size_t end = start + len;
    if (!has_bytes(msg, start, len)) return anomaly::dns_record_overrun;
    const byte_span rdata = msg.subspan(start, len);
    char buf[ipv6_text_max + 1];
    switch (r.type) {
        case dns_type::a:
            if (len != 4) return anomaly::dns_bad_rdata;
            out.append({buf, format_to(buf, ipv4_address{load_be32(rdata, 0)})});
            return std::nullopt;
        case dns_type::aaaa:
            if (len != 16) return anomaly::dns_bad_rdata;
            out.append({buf, format_to(buf, load_ipv6(rdata, 0))});
            return std::nullopt;
        case dns_type::ns:
        case dns_type::cname:
        case dns_type::ptr:
            return name_in_rdata(out, msg, start, end);
        case dns_type::mx:
            if (len < 3) return anomaly::dns_bad_rdata;
            append_number(out, load_be16(rdata, 0));
            out.push_back(' ');
            return name_in_rdata(out, msg, start + 2, end);
        case dns_type::txt: {
            if (len == 0) return anomaly::dns_bad_rdata;
            std::size_t i = 0;
            while (i < len) {
                const std::size_t n = load_u8(rdata, i);
                if (i + 1 + n > len) return anomaly::dns_bad_rdata;
                if (i != 0) out.push_back(' ');
                append_character_string(out, rdata.subspan(i + 1, n));
                i += 1 + n;
            }
            return std::nullopt;
        }
        case dns_type::soa: {
            std::size_t next = 0;
            if (auto e = name_in_rdata(out, msg, start, end, &next)) return e;
            out.push_back(' ');
            if (auto e = name_in_rdata(out, msg, next, end, &next)) return e;
            if (next + 20 != end) return anomaly::dns_bad_rdata;
            for (std::size_t k = 0; k < 5; ++k) {
                out.push_back(' ');
                append_number(out, load_be32(msg, next + 4 * k));
            }
            return std::nullopt;
        }
        case dns_type::srv:
            if (len < 7) return anomaly::dns_bad_rdata;
            for (std::size_t k = 0; k < 3; ++k) {
                append_number(out, load_be16(rdata, 2 * k));
                out.push_back(' ');
            }
            return name_in_rdata(out, msg, start + 6, end);
        case dns_type::caa: {
            if (len < 2) return anomaly::dns_bad_rdata;
            const std::size_t tag_len = load_u8(rdata, 1);
            if (2 + tag_len > len) return anomaly::dns_bad_rdata;
            append_number(out, load_u8(rdata, 0));
            out.push_back(' ');
            for (std::size_t k = 0; k < tag_len; ++k)
                append_dns_label_byte(out, load_u8(rdata, 2 + k));
            out.push_back(' ');
            append_character_string(out, rdata.subspan(2 + tag_len));
            return std::nullopt;
        }
        default:
            // RFC 3597 section 5 generic form.
            out.append("\\# ");
            append_number(out, len);
            if (len != 0) {
                out.push_back(' ');
                append_hex(out, rdata);
            }
            return std::nullopt;
    }
}

}  // namespace

std::optional<anomaly> format_dns_rdata(byte_span msg, const dns_record& r,
                                        dns_rdata_text& out) noexcept {
    return rdata_to(msg, r, out);
}

std::optional<anomaly> check_dns_rdata(byte_span msg, const dns_record& r) noexcept {
    // RFC 2136 2.4/2.5: UPDATE prerequisites and deletions carry class ANY and no RDATA.
    if (r.rdata_length == 0 && r.rrclass == 255) return std::nullopt;
    no_text sink;
    return rdata_to(msg, r, sink);
}

std::string_view dns_type_name(std::uint16_t type) noexcept {
    switch (type) {
        case 1: return "A";
        case 2: return "NS";
        case 5: return "CNAME";
        case 6: return "SOA";
        case 12: return "PTR";
        case 13: return "HINFO";
        case 15: return "MX";
        case 16: return "TXT";
        case 17: return "RP";
        case 24: return "SIG";
        case 25: return "KEY";
        case 28: return "AAAA";
        case 29: return "LOC";
        case 33: return "SRV";
        case 35: return "NAPTR";
        case 39: return "DNAME";
        case 41: return "OPT";
        case 43: return "DS";
        case 46: return "RRSIG";
        case 47: return "NSEC";
        case 48: return "DNSKEY";
        case 50: return "NSEC3";
        case 51: return "NSEC3PARAM";
        case 52: return "TLSA";
        case 64: return "SVCB";
        case 65: return "HTTPS";
        case 99: return "SPF";
        case 249: return "TKEY";
        case 250: return "TSIG";
        case 251: return "IXFR";
        case 252: return "AXFR";
        case 255: return "ANY";
        case 256: return "URI";
        case 257: return "CAA";
        default: return "";
    }
}

std::string_view dns_class_name(std::uint16_t rrclass) noexcept {
    switch (rrclass & 0x7fffU) {
        case 1: return "IN";
        case 3: return "CH";
        case 4: return "HS";
        case 254: return "NONE";
        case 255: return "ANY";
        default: return "";
    }
}

std::string_view dns_rcode_name(std::uint16_t rcode) noexcept {
    switch (rcode) {
        case 0: return "NOERROR";
        case 1: return "FORMERR";
        case 2: return "SERVFAIL";
        case 3: return "NXDOMAIN";
        case 4: return "NOTIMP";
        case 5: return "REFUSED";
        case 6: return "YXDOMAIN";
        case 7: return "YXRRSET";
        case 8: return "NXRRSET";
        case 9: return "NOTAUTH";
        case 10: return "NOTZONE";
        case 16: return "BADVERS";
        case 23: return "BADCOOKIE";
        default: return "";
    }
}

std::string_view dns_opcode_name(std::uint8_t opcode) noexcept {
    switch (opcode) {
        case 0: return "QUERY";
        case 1: return "IQUERY";
        case 2: return "STATUS";
        case 4: return "NOTIFY";
        case 5: return "UPDATE";
        case 6: return "DSO";
        default: return "";
    }
}

}  // namespace pktscope
