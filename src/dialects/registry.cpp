#include "dialects/anthropic.hpp"
#include "dialects/codec.hpp"
#include "dialects/openai_chat.hpp"

namespace heimdall::dialects {

const Codec& codec_for(schema::Dialect dialect) {
  switch (dialect) {
    case schema::Dialect::Anthropic: return anthropic_codec();
    case schema::Dialect::OpenAiChat: return openai_chat_codec();
  }
  return anthropic_codec();
}

}  // namespace heimdall::dialects
