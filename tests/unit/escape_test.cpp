// escape.hpp and the output side of escaping: every string that came off the wire reaches a
// terminal or a JSON stream only escaped (control, DEL, C1 and bidi bytes never raw), and
// output_stream ends quietly when its reader goes away (EPIPE).
#include "pktscope/escape.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "pktscope/output.hpp"
#include "unit_support.hpp"

namespace pktscope::test {
namespace {

// Checked with tshark 4.0 (tests/unit/cases_to_pcap.py): dns.qry.name
// "\033[31m.\177.\u009B.\u202E.a.b.back\slash.sp ace.example", dns.txt as the raw bytes.
constexpr packet_case dns_response_with_escape_sequences_in_name_and_txt{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 00 77 1c 46 40 00 40 11 31 c6 c6 33 64 35 c0 00 02 01"  // IPv4
    "00 35 a0 28 00 63 a1 bc"                                      // UDP
    "0b ad 81 80 00 01 00 01 00 00 00 00"                          // DNS: id 0x0bad, response
    "05 1b 5b 33 31 6d 01 7f 02 c2 9b 03 e2 80 ae 03 61 2e 62 0a"  // question: labels ESC[31m, DEL,
                                                                   // C2 9B (U+009B CSI), E2 80 AE
                                                                   // (U+202E), "a.b", "back\slash",
                                                                   // "sp ace", "example" TXT;
                                                                   // answer TXT with the same bytes
    "62 61 63 6b 5c 73 6c 61 73 68 06 73 70 20 61 63 65 07 65 78"
    "61 6d 70 6c 65 00 00 10 00 01 c0 0c 00 10 00 01 00 00 00 3c"
    "00 11 10 1b 5b 33 31 6d 72 65 64 7f c2 9b e2 80 ae 22 5c"};

constexpr std::string_view hostile_name =
    R"(\027[31m.\127.\194\155.\226\128\174.a\.b.back\\slash.sp\032ace.example)";
constexpr std::string_view hostile_txt = R"("\027[31mred\127\194\155\226\128\174\"\\")";

/// True when every byte is printable ASCII (the one allowed exception: a final newline).
bool printable_ascii(std::string_view s) {
    if (!s.empty() && s.back() == '\n') s.remove_suffix(1);
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u >= 0x7f) return false;
    }
    return true;
}

using text = fixed_text<64>;

std::string label_text(unsigned char c) {
    text out;
    append_dns_label_byte(out, c);
    return std::string(out.view());
}

TEST(DnsLabelEscaping, EveryByteValue) {
    for (unsigned c = 0; c < 256; ++c) {
        const std::string s = label_text(static_cast<unsigned char>(c));
        EXPECT_TRUE(printable_ascii(s)) << c;
        if (c == '.' || c == '\\' || c == '"' || c == '(' || c == ')' || c == ';' || c == '@' ||
            c == '$') {
            EXPECT_EQ(s, (std::string{'\\', static_cast<char>(c)})) << c;  // RFC 1035 5.1 "\X"
        } else if (c > 0x20 && c < 0x7f) {
            EXPECT_EQ(s, std::string(1, static_cast<char>(c))) << c;
        } else {
            char expected[5];
            std::snprintf(expected, sizeof expected, "\\%03u", c);  // "\DDD", decimal
            EXPECT_EQ(s, expected) << c;
        }
    }
    EXPECT_EQ(label_text(0x1b), "\\027");
    EXPECT_EQ(label_text(0x7f), "\\127");
    EXPECT_EQ(label_text(0x9b), "\\155");
    EXPECT_EQ(label_text(' '), "\\032");
}

TEST(ByteEscaping, EveryByteValue) {
    for (unsigned c = 0; c < 256; ++c) {
        text out;
        const std::byte b{static_cast<unsigned char>(c)};
        append_escaped_bytes(out, byte_span(&b, 1));
        const std::string s(out.view());
        EXPECT_TRUE(printable_ascii(s)) << c;
        if (c == '\\') {
            EXPECT_EQ(s, "\\\\");
        } else if (c >= 0x20 && c < 0x7f) {
            EXPECT_EQ(s, std::string(1, static_cast<char>(c)));
        } else {
            char expected[5];
            std::snprintf(expected, sizeof expected, "\\x%02x", c);
            EXPECT_EQ(s, expected) << c;
        }
    }
    text out;
    append_escaped_bytes(out, bytes_of("\x1b[31m\xe2\x80\xae"));
    EXPECT_EQ(out.view(), "\\x1b[31m\\xe2\\x80\\xae");
}

TEST(FixedText, DropsAndRemembersWhatDoesNotFit) {
    fixed_text<4> t;
    t.append("abc");
    EXPECT_FALSE(t.truncated);
    t.append("de");
    EXPECT_EQ(t.view(), "abcd");
    EXPECT_TRUE(t.truncated);
    t.clear();
    EXPECT_EQ(t.view(), "");
    EXPECT_FALSE(t.truncated);
}

TEST(JsonStringEscaping, EveryByteValueParsesBack) {
    for (unsigned c = 0; c < 256; ++c) {
        fmt::memory_buffer out;
        const char ch = static_cast<char>(c);
        append_json_string(out, std::string_view(&ch, 1));
        const std::string s = fmt::to_string(out);
        EXPECT_TRUE(printable_ascii(s)) << c;
        const auto parsed = nlohmann::json::parse(s);  // throws on invalid JSON
        const std::string value = parsed.get<std::string>();
        if (c < 0x80) {
            EXPECT_EQ(value, std::string(1, ch)) << c;
        } else {
            // A raw high byte becomes the code point U+00XX: the stream stays valid UTF-8.
            char expected[7];
            std::snprintf(expected, sizeof expected, "\\u%04x", c);
            EXPECT_EQ(s, std::string("\"") + expected + "\"") << c;
        }
    }
}

// The guarantee end to end (issue 3): a DNS name with ESC[31m, DEL, U+009B (C1 CSI) and
// U+202E (right-to-left override) comes out escaped in both renderings.
TEST(WireStringsInOutput, TextLineIsEscaped) {
    const auto d = decode_case(dns_response_with_escape_sequences_in_name_and_txt);
    ASSERT_TRUE(d->dns);
    for (bool verbose : {false, true}) {
        text_options options;
        options.verbose = verbose;
        options.utc = true;
        text_renderer renderer(options);
        fmt::memory_buffer out;
        renderer.render(out, d.f, d.packet, {});
        const std::string line = fmt::to_string(out);
        EXPECT_TRUE(printable_ascii(line)) << line;
        EXPECT_NE(line.find(hostile_txt), std::string::npos) << line;
        if (verbose) {
            EXPECT_NE(line.find(hostile_name), std::string::npos) << line;
        }
    }
}

TEST(WireStringsInOutput, JsonLineIsEscapedAndParses) {
    const auto d = decode_case(dns_response_with_escape_sequences_in_name_and_txt);
    fmt::memory_buffer out;
    render_packet_json(out, d.f, d.packet, {});
    const std::string line = fmt::to_string(out);
    EXPECT_TRUE(printable_ascii(line)) << line;
    const auto record = nlohmann::json::parse(line);
    EXPECT_EQ(record["dns"]["questions"][0]["name"], hostile_name);
    EXPECT_EQ(record["dns"]["answers"][0]["name"], hostile_name);
    EXPECT_EQ(record["dns"]["answers"][0]["data"], hostile_txt);
}

/// Ignores SIGPIPE for the scope, as the pktscope program does (tools/main.cpp).
struct sigpipe_ignored {
    sigpipe_ignored() { previous = std::signal(SIGPIPE, SIG_IGN); }
    ~sigpipe_ignored() { std::signal(SIGPIPE, previous); }
    void (*previous)(int);
};

TEST(OutputStream, WritesEverythingToAReader) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    {
        output_stream stream(fds[1]);
        stream.buffer().append(std::string_view("line 1\nline 2\n"));
        EXPECT_TRUE(stream.flush());
        EXPECT_TRUE(stream.buffer().size() == 0);
        stream.buffer().append(std::string_view("tail\n"));
    }  // the destructor flushes the rest
    close(fds[1]);
    char buf[64];
    const ssize_t n = read(fds[0], buf, sizeof buf);
    close(fds[0]);
    EXPECT_EQ(std::string(buf, static_cast<std::size_t>(n)), "line 1\nline 2\ntail\n");
}

TEST(OutputStream, EndsQuietlyWhenTheReaderIsGone) {
    sigpipe_ignored guard;
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    close(fds[0]);  // `pktscope ... | head` after head exits
    {
        output_stream stream(fds[1]);
        stream.buffer().append(std::string(1 << 20, 'x'));  // more than a pipe holds
        EXPECT_FALSE(stream.flush());
        EXPECT_TRUE(stream.reader_gone());
        EXPECT_FALSE(stream.failed());
        EXPECT_EQ(stream.buffer().size(), 0u);
        // Later output is dropped without another write attempt.
        stream.buffer().append(std::string_view("more\n"));
        stream.maybe_flush(0);
        EXPECT_FALSE(stream.flush());
        EXPECT_TRUE(stream.reader_gone());
    }  // and the destructor is quiet too
    close(fds[1]);
}

TEST(OutputStream, OtherWriteErrorsAreFailuresNotAGoneReader) {
    const int read_only = open("/dev/null", O_RDONLY);
    ASSERT_GE(read_only, 0);
    output_stream stream(read_only);
    stream.buffer().append(std::string_view("x\n"));
    EXPECT_FALSE(stream.flush());  // EBADF
    EXPECT_TRUE(stream.failed());
    EXPECT_FALSE(stream.reader_gone());
    close(read_only);
}

}  // namespace
}  // namespace pktscope::test
