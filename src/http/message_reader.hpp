// Feeding a Beast parser from a connection's flat_buffer, for the server's request reads and the
// client's response reads (internal to src/http). Beast's http::async_read_header and
// async_read_some do the same through composed operations that copy the executor at every step
// and post their completion when no read was needed, which is the usual case: a small message
// arrives in one segment and is parsed straight from the buffer here.
#pragma once

#include <boost/asio/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>

#include <cstddef>

namespace heimdall::http {

/// Parses what `buffer` holds, up to the end of the header when `header_only`, else to the end of
/// the message. need_more is no error here: the caller reads more and calls parse_received().
template <bool isRequest>
boost::system::error_code parse_buffered(boost::beast::http::basic_parser<isRequest>& parser,
                                         boost::beast::flat_buffer& buffer, bool header_only) {
  boost::system::error_code ec;
  while (buffer.size() != 0 && !(header_only ? parser.is_header_done() : parser.is_done())) {
    const size_t used = parser.put(buffer.data(), ec);
    buffer.consume(used);
    if (ec == boost::beast::http::error::need_more) {
      return {};
    }
    if (ec || used == 0) {
      break;
    }
  }
  return ec;
}

/// Commits the `n` bytes a socket read brought and parses them as parse_buffered() does; a read
/// error is returned as it is. The end of the stream ends the message as Beast's reads end it:
/// end_of_stream when no byte of it had come, else the parser's verdict (done for a body that
/// runs to the close, partial_message for a cut one).
template <bool isRequest>
boost::system::error_code parse_received(boost::beast::http::basic_parser<isRequest>& parser,
                                         boost::beast::flat_buffer& buffer,
                                         boost::system::error_code ec, size_t n, bool header_only) {
  buffer.commit(n);
  if (ec == boost::asio::error::eof) {
    if (!parser.got_some()) {
      return boost::beast::http::error::end_of_stream;
    }
    ec = {};
    parser.put_eof(ec);
    return ec;
  }
  return ec ? ec : parse_buffered(parser, buffer, header_only);
}

}  // namespace heimdall::http
