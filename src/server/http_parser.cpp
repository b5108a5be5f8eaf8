#include "server/http_parser.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace openarc::server {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

}  // namespace

HttpParser::State HttpParser::fail(int status, std::string message) {
  status_ = status;
  error_ = std::move(message);
  return State::error;
}

HttpParser::State HttpParser::feed(std::string_view data) {
  if (status_ != 0) return State::error;
  buffer_.append(data);
  if (!head_done_) {
    State s = parse_head();
    if (s != State::done) return s;
  }
  return parse_body();
}

HttpParser::State HttpParser::parse_head() {
  // Tolerate empty lines before a request (RFC 9112 2.2).
  while (buffer_.compare(pos_, 2, "\r\n") == 0) pos_ += 2;
  size_t end = buffer_.find("\r\n\r\n", pos_);
  if (end == std::string::npos) {
    if (buffer_.size() - pos_ > limits_.max_header_bytes) return fail(431, "request headers are larger than the limit");
    return State::need_more;
  }
  if (end - pos_ > limits_.max_header_bytes) return fail(431, "request headers are larger than the limit");
  std::string_view head(buffer_.data() + pos_, end - pos_);
  request_ = HttpRequest();
  chunked_ = false;
  content_length_ = 0;
  expect_continue_ = false;

  size_t line_end = head.find("\r\n");
  std::string_view line = head.substr(0, line_end);
  size_t sp1 = line.find(' ');
  size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return fail(400, "malformed request line");
  std::string_view method = line.substr(0, sp1), target = line.substr(sp1 + 1, sp2 - sp1 - 1),
                   version = line.substr(sp2 + 1);
  if (method.empty() || !std::all_of(method.begin(), method.end(), is_token_char))
    return fail(400, "malformed request method");
  if (target.empty() || target.front() != '/') return fail(400, "request target must start with '/'");
  if (version != "HTTP/1.1" && version != "HTTP/1.0") return fail(505, "unsupported HTTP version");
  request_.method = std::string(method);
  request_.target = std::string(target);
  size_t q = target.find('?');
  request_.path = url_decode(target.substr(0, q), false);
  if (q != std::string_view::npos) request_.query = std::string(target.substr(q + 1));
  keep_alive_ = version == "HTTP/1.1";

  bool has_length = false;
  std::string_view rest = line_end == std::string_view::npos ? std::string_view() : head.substr(line_end + 2);
  while (!rest.empty()) {
    size_t e = rest.find("\r\n");
    std::string_view h = rest.substr(0, e);
    rest = e == std::string_view::npos ? std::string_view() : rest.substr(e + 2);
    size_t colon = h.find(':');
    if (colon == std::string_view::npos || colon == 0) return fail(400, "malformed header line");
    std::string_view name = h.substr(0, colon);
    if (!std::all_of(name.begin(), name.end(), is_token_char)) return fail(400, "malformed header name");
    std::string key = lower(name);
    std::string value(trim(h.substr(colon + 1)));
    if (key == "content-length") {
      size_t n = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || p != value.data() + value.size() || value.empty())
        return fail(400, "bad Content-Length");
      if (has_length && n != content_length_) return fail(400, "conflicting Content-Length headers");
      if (n > limits_.max_body_bytes)
        return fail(413, "request body of " + value + " bytes is larger than the limit of " +
                             std::to_string(limits_.max_body_bytes));
      has_length = true;
      content_length_ = n;
    } else if (key == "transfer-encoding") {
      if (lower(value) != "chunked") return fail(501, "unsupported Transfer-Encoding: " + value);
      chunked_ = true;
    } else if (key == "connection") {
      std::string v = lower(value);
      if (v.find("close") != std::string::npos) keep_alive_ = false;
      if (v.find("keep-alive") != std::string::npos) keep_alive_ = true;
    } else if (key == "expect" && lower(value) == "100-continue") {
      expect_continue_ = true;
    }
    request_.headers.emplace_back(std::move(key), std::move(value));
  }
  if (chunked_ && has_length) return fail(400, "both Content-Length and Transfer-Encoding");
  pos_ = end + 4;
  head_done_ = true;
  return State::done;
}

HttpParser::State HttpParser::parse_body() {
  if (!chunked_) {
    if (buffer_.size() - pos_ < content_length_) return State::need_more;
    request_.body = buffer_.substr(pos_, content_length_);
    pos_ += content_length_;
    return State::done;
  }
  // Chunked: size line, data, CRLF ... a zero-size chunk, optional trailers, CRLF.
  while (true) {
    size_t e = buffer_.find("\r\n", pos_);
    if (e == std::string::npos) return buffer_.size() - pos_ > 1024 ? fail(400, "malformed chunk size") : State::need_more;
    std::string_view size_text(buffer_.data() + pos_, e - pos_);
    size_text = size_text.substr(0, size_text.find(';'));
    size_t n = 0;
    auto [p, ec] = std::from_chars(size_text.data(), size_text.data() + size_text.size(), n, 16);
    if (ec != std::errc() || p != size_text.data() + size_text.size() || size_text.empty())
      return fail(400, "malformed chunk size");
    if (n > limits_.max_body_bytes || request_.body.size() + n > limits_.max_body_bytes)
      return fail(413, "request body is larger than the limit of " + std::to_string(limits_.max_body_bytes));
    if (n == 0) {
      size_t trailers_end = buffer_.find("\r\n\r\n", e);
      if (buffer_.compare(e, 4, "\r\n\r\n") == 0) trailers_end = e;
      if (trailers_end == std::string::npos) return State::need_more;
      pos_ = trailers_end + 4;
      return State::done;
    }
    if (buffer_.size() - (e + 2) < n + 2) return State::need_more;
    if (buffer_.compare(e + 2 + n, 2, "\r\n") != 0) return fail(400, "chunk data not followed by CRLF");
    request_.body.append(buffer_, e + 2, n);
    pos_ = e + 2 + n + 2;
  }
}

HttpRequest HttpParser::take() {
  HttpRequest r = std::move(request_);
  request_ = HttpRequest();
  buffer_.erase(0, pos_);
  pos_ = 0;
  head_done_ = false;
  return r;
}

std::string HttpRequest::header(std::string_view name) const {
  std::string key = lower(name);
  for (const auto& [k, v] : headers)
    if (k == key) return v;
  return "";
}

std::string HttpRequest::query_param(std::string_view name, const std::string& def) const {
  std::string_view q = query;
  while (!q.empty()) {
    size_t amp = q.find('&');
    std::string_view item = q.substr(0, amp);
    size_t eq = item.find('=');
    if (url_decode(item.substr(0, eq), true) == name)
      return eq == std::string_view::npos ? "" : url_decode(item.substr(eq + 1), true);
    if (amp == std::string_view::npos) break;
    q = q.substr(amp + 1);
  }
  return def;
}

std::string url_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

const char* status_text(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Status";
  }
}

}  // namespace openarc::server
