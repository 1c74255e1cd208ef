#include "pktscope/dns.hpp"

namespace pktscope {

result<std::size_t> read_dns_name(byte_span message, std::size_t offset,
                                  dns_name_text* text) noexcept {
    if (text != nullptr) text->clear();
    std::size_t pos = offset;
    std::size_t end_offset = 0;  // 0 = not yet known (set by the first pointer)
    std::size_t octets = 0;
    std::size_t hops = 0;
    // Every pointer must land strictly before the previous landing point (and before the
    // first label of the name): targets decrease, so the walk always terminates.
    std::size_t last_target = offset;
    bool first_label = true;
    for (;;) {
        if (pos >= message.size()) return anomaly::dns_label_overrun;
        const std::uint8_t len = load_u8(message, pos);
        if ((len & 0xc0U) == 0xc0U) {
            if (pos + 1 >= message.size()) return anomaly::dns_label_overrun;
            const std::size_t target = ((std::size_t{len} & 0x3fU) << 8) | load_u8(message, pos + 1);
            if (end_offset == 0) end_offset = pos + 2;
            if (++hops > max_dns_pointer_hops) return anomaly::dns_pointer_loop;
            if (target > pos) return anomaly::dns_pointer_forward;
            if (target >= last_target) return anomaly::dns_pointer_loop;
            last_target = target;
            pos = target;
            continue;
        }
        if ((len & 0xc0U) != 0) return anomaly::dns_bad_label_type;
        if (len == 0) {
            if (octets + 1 > max_dns_name_octets) return anomaly::dns_name_too_long;
            if (text != nullptr && first_label) text->push_back('.');
            return end_offset != 0 ? end_offset : pos + 1;
        }
        octets += std::size_t{len} + 1;
        if (octets + 1 > max_dns_name_octets) return anomaly::dns_name_too_long;
        if (!has_bytes(message, pos + 1, len)) return anomaly::dns_label_overrun;
        if (text != nullptr) {
            if (!first_label) text->push_back('.');
            for (std::size_t i = 0; i < len; ++i)
                append_dns_label_byte(*text, load_u8(message, pos + 1 + i));
        }
        first_label = false;
        pos += std::size_t{len} + 1;
    }
}

dns_walker::dns_walker(dns_message message) noexcept
    : message_(message),
      questions_left_(message.qdcount()),
      answers_left_(message.ancount()),
      authority_left_(message.nscount()),
      additional_left_(message.arcount()) {}

bool dns_walker::fail(anomaly a) noexcept {
    error_ = a;
    questions_left_ = answers_left_ = authority_left_ = additional_left_ = 0;
    return false;
}

bool dns_walker::next_question(dns_question& out) noexcept {
    if (error_ || questions_left_ == 0) return false;
    const byte_span msg = message_.bytes();
    if (++entries_ > max_dns_entries) return fail(anomaly::dns_record_limit_exceeded);
    if (offset_ >= msg.size()) return fail(anomaly::dns_count_exceeds_message);
    const auto name_end = read_dns_name(msg, offset_, nullptr);
    if (!name_end) return fail(name_end.error());
    if (!has_bytes(msg, *name_end, 4)) return fail(anomaly::dns_record_overrun);
    out.name_offset = static_cast<std::uint16_t>(offset_);
    out.qtype = load_be16(msg, *name_end);
    out.qclass = load_be16(msg, *name_end + 2);
    offset_ = *name_end + 4;
    --questions_left_;
    return true;
}

bool dns_walker::next_record(dns_record& out) noexcept {
    dns_question skipped;
    while (questions_left_ != 0)
        if (!next_question(skipped)) return false;
    if (error_) return false;
    std::uint32_t* left = nullptr;
    if (answers_left_ != 0) {
        left = &answers_left_;
        out.section = dns_section::answer;
    } else if (authority_left_ != 0) {
        left = &authority_left_;
        out.section = dns_section::authority;
    } else if (additional_left_ != 0) {
        left = &additional_left_;
        out.section = dns_section::additional;
    } else {
        return false;
    }
    const byte_span msg = message_.bytes();
    if (++entries_ > max_dns_entries) return fail(anomaly::dns_record_limit_exceeded);
    if (offset_ >= msg.size()) return fail(anomaly::dns_count_exceeds_message);
    const auto name_end = read_dns_name(msg, offset_, nullptr);
    if (!name_end) return fail(name_end.error());
    if (!has_bytes(msg, *name_end, 10)) return fail(anomaly::dns_record_overrun);
    out.name_offset = static_cast<std::uint16_t>(offset_);
    out.type = load_be16(msg, *name_end);
    out.rrclass = load_be16(msg, *name_end + 2);
    out.ttl = load_be32(msg, *name_end + 4);
    out.rdata_length = load_be16(msg, *name_end + 8);
    out.rdata_offset = static_cast<std::uint16_t>(*name_end + 10);
    if (!has_bytes(msg, out.rdata_offset, out.rdata_length)) return fail(anomaly::dns_record_overrun);
    offset_ = std::size_t{out.rdata_offset} + out.rdata_length;
    --*left;
    return true;
}

dns_info inspect_dns(dns_message message, anomaly_set& anomalies) noexcept {
    dns_info info;
    info.message = message;
    dns_walker walker(message);
    dns_question q;
    while (walker.next_question(q)) ++info.questions_read;
    dns_record r;
    while (walker.next_record(r)) {
        ++info.records_read;
        if (const auto bad = check_dns_rdata(message.bytes(), r)) anomalies.add(*bad);
        if (r.type == dns_type::opt && r.section == dns_section::additional && !info.edns)
            info.edns = edns_from_opt(r);
    }
    if (walker.error()) anomalies.add(*walker.error());
    info.complete = !walker.error().has_value();
    return info;
}

}  // namespace pktscope
