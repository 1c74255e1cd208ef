// Recursive-descent JSON reader with a depth limit (see route_json.hpp).
#include "route_json.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <string>

namespace pktscope::json_reader {
namespace {

class parser {
  public:
    explicit parser(std::string_view text) : text_(text) {}

    value document() {
        value v = parse_value(0);
        skip_space();
        if (pos_ != text_.size()) fail("trailing characters after the document");
        return v;
    }

  private:
    [[noreturn]] void fail(const char* reason) const {
        throw std::runtime_error("offset " + std::to_string(pos_) + ": " + reason);
    }
    void skip_space() {
        while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' ||
                                       text_[pos_] == '\r' || text_[pos_] == '\t'))
            ++pos_;
    }
    bool take(char c) {
        skip_space();
        if (pos_ < text_.size() && text_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }
    void expect(char c, const char* reason) {
        if (!take(c)) fail(reason);
    }
    bool take_word(std::string_view word) {
        if (text_.substr(pos_, word.size()) != word) return false;
        pos_ += word.size();
        return true;
    }

    value parse_value(int depth) {
        if (depth > 64) fail("nesting deeper than 64");
        skip_space();
        if (pos_ >= text_.size()) fail("unexpected end of input");
        value v;
        const char c = text_[pos_];
        if (c == '{') {
            ++pos_;
            v.type = value::kind::object;
            if (take('}')) return v;
            do {
                skip_space();
                std::string key = parse_string();
                expect(':', "expected ':' after an object key");
                v.members.push_back(member{std::move(key), parse_value(depth + 1)});
            } while (take(','));
            expect('}', "expected ',' or '}' in an object");
        } else if (c == '[') {
            ++pos_;
            v.type = value::kind::array;
            if (take(']')) return v;
            do v.items.push_back(parse_value(depth + 1));
            while (take(','));
            expect(']', "expected ',' or ']' in an array");
        } else if (c == '"') {
            v.type = value::kind::string;
            v.text = parse_string();
        } else if (take_word("true")) {
            v.type = value::kind::boolean;
            v.boolean = true;
        } else if (take_word("false")) {
            v.type = value::kind::boolean;
        } else if (take_word("null")) {
            v.type = value::kind::null;
        } else {
            v.type = value::kind::number;
            const char* begin = text_.data() + pos_;
            const auto [end, ec] = std::from_chars(begin, text_.data() + text_.size(), v.number);
            if (ec != std::errc{} || end == begin) fail("expected a value");
            pos_ += static_cast<std::size_t>(end - begin);
        }
        return v;
    }

    std::string parse_string() {
        if (pos_ >= text_.size() || text_[pos_] != '"') fail("expected a string");
        ++pos_;
        std::string out;
        while (true) {
            if (pos_ >= text_.size()) fail("unterminated string");
            const char c = text_[pos_++];
            if (c == '"') return out;
            if (static_cast<unsigned char>(c) < 0x20) fail("control character in a string");
            if (c != '\\') {
                out.push_back(c);
                continue;
            }
            if (pos_ >= text_.size()) fail("unterminated escape");
            const char e = text_[pos_++];
            switch (e) {
                case '"':
                case '\\':
                case '/':
                    out.push_back(e);
                    break;
                case 'b':
                    out.push_back('\b');
                    break;
                case 'f':
                    out.push_back('\f');
                    break;
                case 'n':
                    out.push_back('\n');
                    break;
                case 'r':
                    out.push_back('\r');
                    break;
                case 't':
                    out.push_back('\t');
                    break;
                case 'u': {
                    unsigned code = 0;
                    const auto [end, ec] =
                        std::from_chars(text_.data() + pos_,
                                        text_.data() + std::min(pos_ + 4, text_.size()), code, 16);
                    if (ec != std::errc{} || end != text_.data() + pos_ + 4) fail("bad \\u escape");
                    pos_ += 4;
                    // Route files hold ASCII; anything else is kept as a placeholder.
                    out.push_back(code < 0x80 ? static_cast<char>(code) : '?');
                    break;
                }
                default:
                    fail("bad escape");
            }
        }
    }

    std::string_view text_;
    std::size_t pos_ = 0;
};

}  // namespace

const value* value::get(std::string_view key) const noexcept {
    if (type != kind::object) return nullptr;
    for (const member& m : members)
        if (m.key == key) return &m.v;
    return nullptr;
}

value parse(std::string_view text) {
    return parser(text).document();
}

}  // namespace pktscope::json_reader
