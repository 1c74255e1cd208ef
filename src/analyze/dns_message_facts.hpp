// Reading the facts a dns_transaction needs out of one DNS message (internal to the
// analyzers): the first question, the EDNS options, and a response's records and meaning.
#pragma once

#include <string_view>

#include "pktscope/dns.hpp"
#include "pktscope/dns_tracker.hpp"

namespace pktscope::detail {

/// The first question of a message, with its name in presentation form.
struct question_facts {
    bool present = false;
    dns_name_text name;
    std::uint16_t qtype = 0;
    std::uint16_t qclass = 0;
};

/// Reads the first question (absent when QDCOUNT is 0 or the question is malformed; why it is
/// malformed goes to `anomalies`).
void read_first_question(const dns_message& message, question_facts& out,
                         anomaly_set& anomalies) noexcept;

/// Reads the OPT record of a query into `edns` (`has_edns` tells whether there is one);
/// malformed options are recorded in `anomalies`.
void read_query_edns(const dns_message& message, dns_edns_facts& edns, bool& has_edns,
                     anomaly_set& anomalies);

/// Record objects kept for reuse, so that filling records again and again does not allocate
/// their strings again (at most `max_spare`).
struct rr_spares {
    static constexpr std::size_t max_spare = 256;
    std::vector<dns_rr_text> records;
    /// Shortens `v` to `count`, keeping the removed records.
    void trim(std::vector<dns_rr_text>& v, std::size_t count);
};

/// Fills the response side of `t` from `message`: flags, the 12-bit RCODE, answer and
/// authority records, the negative answer's SOA, the response's EDNS and the outcome.
/// Every record is walked; malformed parts are recorded in `anomalies`.
void read_response(const dns_message& message, dns_transaction& t, anomaly_set& anomalies,
                   rr_spares& spares);

/// DNS name equality in presentation form: ASCII letters compare case-insensitively
/// (RFC 4343 3); escapes are produced identically for both sides, so they compare as text.
bool dns_names_equal(std::string_view a, std::string_view b) noexcept;

/// True when `ancestor` is `name` or one of its parent domains ("." is everyone's).
bool dns_name_is_at_or_below(std::string_view name, std::string_view ancestor) noexcept;

}  // namespace pktscope::detail
