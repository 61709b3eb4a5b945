// How many bytes of JSON text an encoded request or response takes at least, for both dialects'
// encoders: they carry the same strings and kept JSON, and a body allocated once in the common case
// saves the copies of every reallocation (bench/micro).
#pragma once

#include "schema/request.hpp"
#include "schema/response.hpp"

#include <cstddef>

namespace heimdall::dialects {

size_t encoded_size_hint(const schema::CanonicalRequest& request);
size_t encoded_size_hint(const schema::CanonicalResponse& response);

}  // namespace heimdall::dialects
