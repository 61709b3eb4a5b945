#include "dialects/encoded_size.hpp"

namespace heimdall::dialects {

size_t encoded_size_hint(const schema::CanonicalRequest& request) {
  size_t n = 512 + request.model.size();
  for (const schema::ContentBlock& b : request.system) {
    n += b.text.size() + 32;
  }
  for (const schema::Message& m : request.messages) {
    n += 32;
    for (const schema::ContentBlock& b : m.content) {
      // Inputs are written as escaped strings by OpenAI encoders: a quote in four is generous.
      n += b.text.size() + b.detail().source.data.size() + b.input.size() * 5 / 4 + 64;
      for (const schema::ContentBlock& inner : b.content) {
        n += inner.text.size() + inner.detail().source.data.size() + 32;
      }
    }
  }
  for (const schema::Tool& t : request.tools) {
    n += t.name.size() + t.description.size() + t.input_schema.size() + 64;
  }
  return n + n / 8;
}

size_t encoded_size_hint(const schema::CanonicalResponse& response) {
  size_t n = 512 + response.id.size() + response.model.size();
  for (const schema::ContentBlock& b : response.content) {
    n += b.text.size() + b.signature.size() + b.input.size() * 5 / 4 + 64;
  }
  return n + n / 8;
}

}  // namespace heimdall::dialects
