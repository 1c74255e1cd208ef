// What a dns_transaction records about its query and response messages.
#include "dns_message_facts.hpp"

namespace pktscope::detail {
namespace {

char ascii_lower(char c) noexcept {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// The element at `index`, appended (from the spares when there are some) when `v` ends there.
dns_rr_text& element_at(std::vector<dns_rr_text>& v, std::size_t index, rr_spares& spares) {
    if (index == v.size()) {
        if (spares.records.empty()) {
            v.emplace_back();
        } else {
            v.push_back(std::move(spares.records.back()));
            spares.records.pop_back();
        }
    }
    return v[index];
}

void read_rr(const dns_message& message, const dns_record& r, dns_rr_text& out,
             anomaly_set& anomalies) {
    dns_name_text name;
    if (const auto end = read_dns_name(message.bytes(), r.name_offset, &name); !end)
        anomalies.add(end.error());
    out.name.assign(name.view());
    out.type = r.type;
    out.rrclass = r.rrclass;
    out.ttl = r.ttl;
    dns_rdata_text data;
    if (const auto bad = format_dns_rdata(message.bytes(), r, data)) anomalies.add(*bad);
    out.data.assign(data.view());
}

void read_edns_options(const dns_message& message, const dns_record& opt, dns_edns_facts& e,
                       anomaly_set& anomalies) {
    const dns_edns base = edns_from_opt(opt);
    e.udp_size = base.udp_size;
    e.do_bit = base.do_bit;
    e.version = base.version;
    e.client_subnet.clear();
    e.client_cookie.clear();
    e.server_cookie.clear();
    e.nsid = false;
    const byte_span rdata = clamp_subspan(message.bytes(), opt.rdata_offset, opt.rdata_length);
    std::size_t offset = 0;
    dns_edns_option option;
    std::optional<anomaly> error;
    while (next_edns_option(rdata, offset, option, error)) {
        if (option.code == dns_edns_option_code::client_subnet) {
            dns_rdata_text text;
            if (const auto bad = format_edns_client_subnet(option.data, text))
                anomalies.add(*bad);
            else
                e.client_subnet.assign(text.view());
        } else if (option.code == dns_edns_option_code::cookie) {
            dns_rdata_text client, server;
            if (const auto bad = format_edns_cookie(option.data, client, server)) {
                anomalies.add(*bad);
            } else {
                e.client_cookie.assign(client.view());
                e.server_cookie.assign(server.view());
            }
        } else if (option.code == dns_edns_option_code::nsid) {
            e.nsid = true;
        }
    }
    if (error) anomalies.add(*error);
}

dns_outcome classify(const dns_transaction& t) noexcept {
    if (t.tc) return dns_outcome::truncated;
    if (t.rcode == 3) return dns_outcome::nxdomain;
    if (t.rcode != 0) return dns_outcome::error;
    bool has_asked_type = false, has_cname = false;
    for (const dns_rr_text& rr : t.answers) {
        if (rr.type == t.qtype || t.qtype == 255 /* ANY */) has_asked_type = true;
        if (rr.type == dns_type::cname) has_cname = true;
    }
    if (has_asked_type || (!t.answers.empty() && !has_cname)) return dns_outcome::answer;
    if (has_cname) return dns_outcome::cname;
    bool has_ns = false, has_soa = false;
    for (const dns_rr_text& rr : t.authority) {
        if (rr.type == dns_type::ns) has_ns = true;
        if (rr.type == dns_type::soa) has_soa = true;
    }
    // RFC 2308 2.2: NODATA may carry an SOA, or NS records when the server is
    // authoritative; a referral is a non-authoritative answer with NS and no SOA (4035 3.1.4).
    if (has_ns && !has_soa && !t.aa) return dns_outcome::referral;
    return dns_outcome::nodata;
}

}  // namespace

void read_first_question(const dns_message& message, question_facts& out,
                         anomaly_set& anomalies) noexcept {
    out.present = false;
    out.name.clear();
    if (message.qdcount() == 0) return;
    const byte_span bytes = message.bytes();
    if (bytes.size() <= dns_header_length) {
        anomalies.add(anomaly::dns_count_exceeds_message);
        return;
    }
    // One read, with the text: the question is the name at the end of the header.
    const auto end = read_dns_name(bytes, dns_header_length, &out.name);
    if (!end) {
        anomalies.add(end.error());
        return;
    }
    if (!has_bytes(bytes, *end, 4)) {
        anomalies.add(anomaly::dns_record_overrun);
        return;
    }
    out.present = true;
    out.qtype = load_be16(bytes, *end);
    out.qclass = load_be16(bytes, *end + 2);
}

void read_query_edns(const dns_message& message, dns_edns_facts& edns, bool& has_edns,
                     anomaly_set& anomalies) {
    has_edns = false;
    if (message.arcount() == 0) return;
    dns_walker walker(message);
    dns_record r;
    while (walker.next_record(r)) {
        if (r.type == dns_type::opt && r.section == dns_section::additional && !has_edns) {
            has_edns = true;
            read_edns_options(message, r, edns, anomalies);
        }
    }
}

void rr_spares::trim(std::vector<dns_rr_text>& v, std::size_t count) {
    while (v.size() > count) {
        if (records.size() < max_spare) records.push_back(std::move(v.back()));
        v.pop_back();
    }
}

void read_response(const dns_message& message, dns_transaction& t, anomaly_set& anomalies,
                   rr_spares& spares) {
    t.aa = message.aa();
    t.tc = message.tc();
    t.ra = message.ra();
    t.ad = message.ad();
    std::uint16_t rcode = message.rcode();
    t.has_response_edns = false;
    t.has_soa = false;
    std::size_t answers = 0, authority = 0;
    dns_walker walker(message);
    dns_record r;
    while (walker.next_record(r)) {
        if (r.type == dns_type::opt) {
            if (r.section == dns_section::additional && !t.has_response_edns) {
                t.has_response_edns = true;
                read_edns_options(message, r, t.response_edns, anomalies);
                // RFC 6891 6.1.3: the OPT TTL's top byte holds RCODE bits 4-11.
                rcode = static_cast<std::uint16_t>(rcode | (edns_from_opt(r).extended_rcode << 4));
            }
            continue;
        }
        if (r.section == dns_section::answer) {
            read_rr(message, r, element_at(t.answers, answers++, spares), anomalies);
        } else if (r.section == dns_section::authority) {
            dns_rr_text& rr = element_at(t.authority, authority++, spares);
            read_rr(message, r, rr, anomalies);
            if (rr.type == dns_type::soa && !t.has_soa) {
                t.has_soa = true;
                t.soa = rr;
            }
        }
    }
    if (walker.error()) anomalies.add(*walker.error());
    spares.trim(t.answers, answers);
    spares.trim(t.authority, authority);
    t.rcode = rcode;
    t.outcome = classify(t);
    // Records the walk never reached cannot be classified: unless what was read already
    // answers the question, say so instead of guessing NODATA or a referral.
    if (walker.error() && answers < message.ancount() && t.outcome != dns_outcome::answer &&
        t.outcome != dns_outcome::truncated && t.rcode == 0)
        t.outcome = dns_outcome::malformed;
    // The SOA is reported for negative answers only (RFC 2308 3), where it gives the
    // negative-caching TTL; elsewhere it stays in `authority`.
    if (t.outcome != dns_outcome::nxdomain && t.outcome != dns_outcome::nodata) t.has_soa = false;
    t.delegation.clear();
    if (t.outcome == dns_outcome::referral) {
        for (const dns_rr_text& rr : t.authority) {
            if (rr.type == dns_type::ns) {
                t.delegation = rr.name;
                break;
            }
        }
    }
}

bool dns_names_equal(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    return true;
}

bool dns_name_is_at_or_below(std::string_view name, std::string_view ancestor) noexcept {
    if (ancestor == "." || ancestor.empty()) return true;
    if (name.size() < ancestor.size()) return false;
    const std::string_view tail = name.substr(name.size() - ancestor.size());
    if (!dns_names_equal(tail, ancestor)) return false;
    if (name.size() == ancestor.size()) return true;
    // The character before the tail must be a label separator that is not escaped ("\.").
    const std::size_t dot = name.size() - ancestor.size() - 1;
    if (name[dot] != '.') return false;
    std::size_t backslashes = 0;
    for (std::size_t i = dot; i > 0 && name[i - 1] == '\\'; --i) ++backslashes;
    return backslashes % 2 == 0;
}

}  // namespace pktscope::detail
