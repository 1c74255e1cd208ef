// Per-field agreement of decode() with tshark 4.0.17 over the shared tcpdump corpus.
//
// Every capture whose link type we decode is read with pcap_source, each frame decoded, and
// every field we decode compared with ../shared/corpus/tcpdump/reference/NAME.fields.tsv.
// A disagreement must be explained by a class in corpus_disagreements.tsv (field + exact
// capture + a rule below that must hold for that frame); anything else fails the test.
//
// The printed table counts, per field, the frames where either side has a value. Classes of
// kind "scope" mark frames where tshark's value is about something we do not decode or were
// not given (a tunnel's inner header, bytes libpcap did not deliver): those are no
// comparison and leave the agreement percentage. Each field must agree on at least 99.5 %
// of the rest; "differ" classes (both decode the field, answers differ by design) count
// against it.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "corpus_files.hpp"
#include "disagreement_classes.hpp"
#include "pktscope/capture.hpp"
#include "pktscope/decode.hpp"
#include "tshark_fields.hpp"

namespace pktscope::corpus {
namespace {

/// One field of one frame where the two sides differ.
struct disagreement {
    std::string capture;
    std::size_t frame_number = 0;
    std::string_view field;
    std::optional<std::string> ours;
    std::string theirs;
    std::string context;  // how far decoding went, for the dump
};

/// What a rule sees: the disagreement, the decoded frame and tshark's captured length.
struct rule_input {
    const disagreement& d;
    const frame& f;
    const decoded_packet& p;
    std::string_view their_caplen;
};

std::optional<unsigned long> number(std::string_view text) {
    unsigned long v = 0;
    const int base = text.starts_with("0x") ? 16 : 10;
    if (base == 16) text.remove_prefix(2);
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v, base);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return v;
}

std::optional<anomaly> anomaly_named(std::string_view name) {
    for (std::size_t i = 0; i < anomaly_count; ++i)
        if (anomaly_name(static_cast<anomaly>(i)) == name) return static_cast<anomaly>(i);
    return std::nullopt;
}

bool has_port(std::uint16_t a, std::uint16_t b, unsigned long port) {
    return a == port || b == port;
}

/// Evaluates a rule "name" or "name:parameter"; nullopt when the rule is unknown.
std::optional<bool> rule_holds(std::string_view rule, const rule_input& in) {
    const auto colon = rule.find(':');
    const std::string_view name = rule.substr(0, colon);
    const std::string_view param = colon == std::string_view::npos ? "" : rule.substr(colon + 1);
    const decoded_packet& p = in.p;
    const bool ours_absent = !in.d.ours.has_value();
    const auto n = number(param);

    // The decoder recorded this named anomaly in the frame.
    if (name == "anomaly") {
        const auto a = anomaly_named(param);
        if (!a) return std::nullopt;
        return p.anomalies.contains(*a);
    }
    // We stop at an EtherType we do not decode; tshark decodes what it carries.
    if (name == "beyond_ether_type") {
        if (!n) return std::nullopt;
        return ours_absent && p.ether_type == *n;
    }
    // We stop at an IP protocol we do not decode (GRE, PIM, IPv6-in-IPv6, ...).
    if (name == "beyond_ip_protocol") {
        if (!n) return std::nullopt;
        return ours_absent && p.ip_protocol == *n && !p.tcp && !p.udp;
    }
    // UDP/TCP payload on this port is a tunnel or protocol tshark decodes and we do not.
    if (name == "beyond_udp_port") {
        if (!n) return std::nullopt;
        return ours_absent && p.udp &&
               has_port(p.udp->source_port(), p.udp->destination_port(), *n);
    }
    if (name == "beyond_tcp_port") {
        if (!n) return std::nullopt;
        return ours_absent && p.tcp &&
               has_port(p.tcp->source_port(), p.tcp->destination_port(), *n);
    }
    if (!param.empty()) return std::nullopt;
    // A first fragment: tshark reassembles and shows the transport in the last fragment.
    if (name == "first_fragment") return in.d.theirs.empty() && p.fragment && !p.later_fragment;
    // A later fragment: we decode no transport header in it (it has none).
    if (name == "later_fragment") return ours_absent && p.later_fragment;
    // tshark decodes the whole quoted transport header of an ICMP error; icmp_quote keeps
    // the ports and the TCP sequence number.
    if (name == "icmp_quote") return ours_absent && p.quote.has_value();
    // libpcap cut the frame to the file's snapshot length; tshark reads every stored byte.
    if (name == "libpcap_trimmed") {
        const auto theirs = number(in.their_caplen);
        return theirs && in.f.caplen < *theirs;
    }
    // The record's sub-second field is out of range: tshark prints it as is (10 digits or a
    // minus sign), or, for a field of 2^31 or more microseconds, drops it where libpcap reads
    // it as a negative number (ours is then exactly 2^31 us earlier).
    if (name == "subsecond_out_of_range") {
        const std::string& t = in.d.theirs;
        const auto dot = t.find('.');
        if (dot == std::string::npos) return false;
        if (t.size() - dot - 1 != 9 || t.find('-') != std::string::npos) return true;
        const auto sec = number(std::string_view(t).substr(0, dot));
        const auto frac = number(std::string_view(t).substr(dot + 1));
        if (!sec || !frac) return false;
        const auto theirs_ns = static_cast<std::int64_t>(*sec * 1'000'000'000 + *frac);
        return theirs_ns - in.f.ts_ns == (std::int64_t{1} << 31) * 1000;
    }
    // Cisco ISL (destination 01:00:0c:00:00:00, 802.3 length): tshark decodes the ISL
    // header and reports the encapsulated frame's addresses as eth.*.
    if (name == "cisco_isl") {
        const mac_address isl{{0x01, 0x00, 0x0c, 0x00, 0x00, 0x00}};
        return p.ethernet && p.ethernet->destination() == isl &&
               p.ethernet->ether_type() <= ether_type::max_8023_length;
    }
    return std::nullopt;
}

/// Fields compared on fewer frames than this are reported but not held to the 99.5 % target.
constexpr std::size_t min_frames_for_target = 200;

struct field_stats {
    std::size_t compared = 0;  // frames where either side has a value
    std::size_t agreed = 0;
    std::size_t out_of_scope = 0;  // explained by "scope" classes
    std::size_t differ = 0;        // explained by "differ" classes
};

struct corpus_run {
    std::array<field_stats, std::tuple_size_v<field_values>> fields{};
    std::size_t captures_compared = 0;
    std::map<std::string, std::size_t> frames_by_linktype;  // which link types were covered
    std::size_t captures_unsupported = 0;
    std::size_t captures_without_reference = 0;
    std::size_t captures_unreadable = 0;
    std::size_t frames = 0;
    std::vector<disagreement> unexplained;
    std::vector<std::string> frame_count_mismatches;
};

std::filesystem::path classes_file() {
    return std::filesystem::path(PKTSCOPE_SOURCE_DIR) / "tests/replay/corpus_disagreements.tsv";
}

// A short description of how far decoding went, for the disagreement dump.
std::string context_of(const decoded_packet& p) {
    std::string s = fmt::format("et=0x{:04x} proto={}", p.ether_type, p.ip_protocol);
    if (p.udp) s += fmt::format(" udp={}>{}", p.udp->source_port(), p.udp->destination_port());
    if (p.tcp) s += fmt::format(" tcp={}>{}", p.tcp->source_port(), p.tcp->destination_port());
    if (p.fragment) s += p.later_fragment ? " later_frag" : " first_frag";
    if (p.quote) s += " quote";
    p.anomalies.for_each([&s](anomaly a) {
        s += ' ';
        s += anomaly_name(a);
    });
    return s;
}

// The first class whose field and capture match and whose rule holds, or nullptr.
disagreement_class* explain(std::vector<disagreement_class>& classes, const rule_input& in) {
    for (auto& c : classes) {
        if (c.fields.count(std::string(in.d.field)) == 0 || c.captures.count(in.d.capture) == 0)
            continue;
        if (rule_holds(c.rule, in).value_or(false)) return &c;
    }
    return nullptr;
}

void compare_capture(const std::filesystem::path& path, std::vector<disagreement_class>& classes,
                     corpus_run& run) {
    const std::string name = capture_name(path);
    std::optional<pcap_source> source;
    try {
        source.emplace(pcap_source::open_file(path.string()));
    } catch (const capture_error&) {
        ++run.captures_unreadable;  // libpcap refuses it (corrupt header, unknown format)
        return;
    }
    if (!linktype_supported(source->linktype())) {
        ++run.captures_unsupported;
        return;
    }
    const auto reference = load_reference(name);
    if (!reference) {
        ++run.captures_without_reference;
        return;
    }
    std::array<std::size_t, std::tuple_size_v<field_values>> columns{};
    for (std::size_t i = 0; i < columns.size(); ++i) {
        const auto column = reference->column(field_name(i));
        ASSERT_TRUE(column) << name << ": reference lacks column " << field_name(i);
        columns[i] = *column;
    }
    const auto caplen_column = reference->column("frame.cap_len");
    ++run.captures_compared;
    std::size_t row = 0;
    frame f;
    decoded_packet p;
    for (;; ++row) {
        try {
            if (!source->next(f)) break;
        } catch (const capture_error&) {
            break;  // truncated file: compare what libpcap could read
        }
        if (row >= reference->rows.size()) continue;
        ++run.frames;
        ++run.frames_by_linktype[linktype_name(source->linktype())];
        decode(f, p);
        const field_values ours = tshark_values(f, p);
        for (std::size_t i = 0; i < ours.size(); ++i) {
            const std::string_view theirs = reference->cell(row, columns[i]);
            if (!ours[i] && theirs.empty()) continue;
            field_stats& stats = run.fields[i];
            ++stats.compared;
            if (ours[i] && *ours[i] == theirs) {
                ++stats.agreed;
                continue;
            }
            disagreement d{name, row + 1, field_name(i), ours[i], std::string(theirs), {}};
            const rule_input in{d, f, p, reference->cell(row, *caplen_column)};
            if (auto* c = explain(classes, in)) {
                ++c->matched;
                c->used_fields.emplace(d.field);
                c->used_captures.insert(name);
                if (c->first_match.empty()) c->first_match = fmt::format("{}#{}", name, row + 1);
                ++(c->kind == "scope" ? stats.out_of_scope : stats.differ);
            } else {
                d.context = context_of(p);
                run.unexplained.push_back(std::move(d));
            }
        }
    }
    if (row != reference->rows.size())
        run.frame_count_mismatches.push_back(fmt::format("{}: libpcap read {} frames, tshark {}",
                                                         name, row, reference->rows.size()));
}

std::string show(const std::optional<std::string>& v) {
    return v ? *v : "(absent)";
}
std::string show(const std::string& v) {
    return v.empty() ? "(absent)" : v;
}

TEST(CorpusAgreementTest, EveryFieldAgreesWithTsharkOrIsExplained) {
    const auto captures = capture_files();
    if (captures.empty()) GTEST_SKIP() << "no corpus at " << tcpdump_dir();
    auto classes = load_disagreement_classes(classes_file());
    for (const auto& c : classes) {
        for (const auto& field : c.fields)
            ASSERT_LT(field_index(field), std::tuple_size_v<field_values>)
                << "class " << c.id << " names a field we do not compare: " << field;
        const disagreement probe{};
        const frame f{};
        const decoded_packet p{};
        ASSERT_TRUE(rule_holds(c.rule, {probe, f, p, {}}).has_value())
            << "class " << c.id << " names an unknown rule: " << c.rule;
    }

    corpus_run run;
    for (const auto& path : captures) {
        compare_capture(path, classes, run);
        if (::testing::Test::HasFatalFailure()) return;
    }

    std::string table = fmt::format("{:<28} {:>8} {:>8} {:>7} {:>7} {:>7} {:>9}\n", "field",
                                    "compared", "agreed", "scope", "differ", "unexpl", "agree %");
    for (std::size_t i = 0; i < run.fields.size(); ++i) {
        const field_stats& s = run.fields[i];
        const std::size_t comparable = s.compared - s.out_of_scope;
        const std::size_t unexplained = comparable - s.agreed - s.differ;
        const double pct = comparable == 0 ? 100.0 : 100.0 * double(s.agreed) / double(comparable);
        table += fmt::format("{:<28} {:>8} {:>8} {:>7} {:>7} {:>7} {:>9.3f}\n", field_name(i),
                             s.compared, s.agreed, s.out_of_scope, s.differ, unexplained, pct);
        // Below min_frames_for_target one frame is worth more than the 0.5 % allowed, so the
        // target is checked only on fields with enough frames; the others are printed.
        if (comparable >= min_frames_for_target) {
            EXPECT_GE(pct, 99.5) << field_name(i) << " agrees on only " << s.agreed << " of "
                                 << comparable << " comparable frames";
        }
    }
    std::printf(
        "corpus: %zu captures compared over %zu frames; skipped %zu with link types we "
        "do not decode, %zu without a tshark table, %zu unreadable by libpcap\n%s",
        run.captures_compared, run.frames, run.captures_unsupported, run.captures_without_reference,
        run.captures_unreadable, table.c_str());
    for (const auto& c : classes) {
        std::printf("class %-30s %-6s explained %5zu%s\n", c.id.c_str(), c.kind.c_str(), c.matched,
                    c.matched == 0 ? "  (stale: matched nothing)" : "");
        // Entries that explained nothing this run: the class should be narrowed.
        for (const auto& field : c.fields)
            if (c.used_fields.count(field) == 0) std::printf("  unused field %s\n", field.c_str());
        for (const auto& capture : c.captures)
            if (c.used_captures.count(capture) == 0)
                std::printf("  unused capture %s\n", capture.c_str());
    }
    // For maintenance: PKTSCOPE_CLASS_USAGE=file writes what each class explained.
    if (const char* usage = std::getenv("PKTSCOPE_CLASS_USAGE")) {
        std::ofstream out(usage);
        for (const auto& c : classes) {
            out << c.id << '\t' << c.first_match;
            for (const auto* set : {&c.used_fields, &c.used_captures}) {
                out << '\t';
                for (const auto& v : *set) out << v << ',';
            }
            out << '\n';
        }
    }
    for (const auto& [name, frames] : run.frames_by_linktype)
        std::printf("link type %-12s %6zu frames\n", name.c_str(), frames);
    for (const auto& m : run.frame_count_mismatches) std::printf("frame count: %s\n", m.c_str());

    std::size_t shown = 0;
    for (const auto& d : run.unexplained) {
        if (++shown > 100) break;
        ADD_FAILURE() << "unexplained: " << d.capture << "#" << d.frame_number << " " << d.field
                      << ": ours " << show(d.ours) << ", tshark " << show(d.theirs) << " ["
                      << d.context << "]";
    }
    EXPECT_TRUE(run.unexplained.empty()) << run.unexplained.size() << " unexplained disagreements";
    // For investigation: PKTSCOPE_DISAGREEMENT_DUMP=file writes every unexplained one as TSV.
    if (const char* dump = std::getenv("PKTSCOPE_DISAGREEMENT_DUMP")) {
        std::ofstream out(dump);
        for (const auto& d : run.unexplained)
            out << d.capture << '\t' << d.frame_number << '\t' << d.field << '\t' << show(d.ours)
                << '\t' << show(d.theirs) << '\t' << d.context << '\n';
    }
}

}  // namespace
}  // namespace pktscope::corpus
