// A thread's simdjson On-Demand parser, reused from one document to the next (the usage observer
// keeps one per thread), lent for one document at a time.
#pragma once

#include <simdjson.h>

#include <cstddef>

namespace heimdall::engine {

/// Capacity (the largest document, in bytes) a thread's parser keeps between documents. A parser
/// holds about 6 bytes per byte of it (structural indexes, string buffer): bodies of normal size
/// reuse it, and the buffers one larger body grew are dropped as soon as it has been read.
inline constexpr size_t kKeptParserCapacity = 64 * 1024;

/// Lends `parser` for one document, which must not outlive the loan.
///   thread_local simdjson::ondemand::parser parser;
///   const ParserLoan loan(parser);
///   parser.iterate(padded).get(doc);
class ParserLoan {
 public:
  explicit ParserLoan(simdjson::ondemand::parser& parser) : parser_(parser) {}
  ~ParserLoan() {
    if (parser_.capacity() > kKeptParserCapacity) {
      parser_ = simdjson::ondemand::parser{};
    }
  }
  ParserLoan(const ParserLoan&) = delete;
  ParserLoan& operator=(const ParserLoan&) = delete;

 private:
  simdjson::ondemand::parser& parser_;
};

}  // namespace heimdall::engine
