// Gateway::list_models: the models of every configured provider, asked of each provider and shown
// in the caller's list shape. Models of the surface's own provider keep their bare ids; the others
// are "provider/model", the form that routes back to them.
#include "engine/exchange.hpp"
#include "engine/gateway.hpp"
#include "engine/ids.hpp"
#include "engine/upstream.hpp"

#include <spdlog/spdlog.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <charconv>
#include <ctime>

namespace heimdall::engine {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

struct ModelEntry {
  std::string id;
  std::string display_name;
  int64_t created = 0;  // unix seconds
  std::string owned_by;
};

std::string rfc3339(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[32];
  std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return out;
}

int64_t parse_rfc3339(std::string_view text) {
  std::tm tm{};
  std::string copy(text.substr(0, 19));
  if (strptime(copy.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) return 0;
  return static_cast<int64_t>(timegm(&tm));
}

// Both list shapes have `data: [{id, …}]`; Anthropic adds display_name/created_at, OpenAI
// created/owned_by.
void read_models(std::string_view body, const providers::Provider& provider, bool prefix,
                 std::vector<ModelEntry>& out) {
  boost::system::error_code ec;
  json::value root = json::parse(body, ec);
  if (ec || !root.is_object()) return;
  auto* data = root.get_object().if_contains("data");
  if (data == nullptr || !data->is_array()) return;
  for (const auto& item : data->get_array()) {
    if (!item.is_object()) continue;
    const auto& model = item.get_object();
    auto* id = model.if_contains("id");
    if (id == nullptr || !id->is_string()) continue;
    ModelEntry entry;
    entry.id = prefix ? provider.name() + "/" + std::string(id->get_string())
                      : std::string(id->get_string());
    entry.display_name = entry.id;
    entry.owned_by = provider.name();
    if (auto* name = model.if_contains("display_name"); name && name->is_string()) {
      entry.display_name = std::string(name->get_string());
    }
    if (auto* created = model.if_contains("created"); created && created->is_number()) {
      entry.created = created->to_number<int64_t>();
    } else if (auto* at = model.if_contains("created_at"); at && at->is_string()) {
      entry.created = parse_rfc3339(at->get_string());
    }
    out.push_back(std::move(entry));
  }
}

asio::awaitable<void> fetch_models(const Runtime& runtime, const providers::Provider& provider,
                                   bool prefix, const http::HeaderList& caller_headers,
                                   std::vector<ModelEntry>& out) {
  UpstreamRequest upstream;
  upstream.provider = &provider;
  upstream.model = "*";
  upstream.method = "GET";
  upstream.url =
      *provider.url(providers::Operation::ListModels,
                    provider.dialect() == schema::Dialect::Anthropic ? "limit=1000" : "");
  auto sent = co_await send_upstream(runtime, std::move(upstream), caller_headers);
  if (!sent) {
    spdlog::warn("listing models of provider {}: {}", provider.name(), sent.error().message);
    co_return;
  }
  auto& response = **sent;
  auto body = co_await response.read_all(16 << 20);
  if (response.status() != 200 || !body) {
    spdlog::warn("listing models of provider {}: status {}", provider.name(), response.status());
    co_return;
  }
  read_models(*body, provider, prefix, out);
}

json::object anthropic_model(const ModelEntry& entry) {
  return {{"type", "model"},
          {"id", entry.id},
          {"display_name", entry.display_name},
          {"created_at", rfc3339(entry.created)}};
}

json::object openai_model(const ModelEntry& entry) {
  return {{"id", entry.id},
          {"object", "model"},
          {"created", entry.created},
          {"owned_by", entry.owned_by}};
}

std::string_view query_param(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    if (pair.size() > name.size() && pair.starts_with(name) && pair[name.size()] == '=') {
      return pair.substr(name.size() + 1);
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return {};
}

// Anthropic's cursor pagination: limit (1..1000, default 20), after_id, before_id.
json::object anthropic_page(const std::vector<ModelEntry>& models, std::string_view query) {
  size_t limit = 20;
  if (auto text = query_param(query, "limit"); !text.empty()) {
    std::from_chars(text.data(), text.data() + text.size(), limit);
    limit = std::clamp<size_t>(limit, 1, 1000);
  }
  size_t begin = 0, end = models.size();
  auto position = [&](std::string_view id) {
    for (size_t i = 0; i < models.size(); ++i) {
      if (models[i].id == id) return i;
    }
    return models.size();
  };
  if (auto after = query_param(query, "after_id"); !after.empty()) {
    begin = std::min(position(after) + 1, models.size());
    end = std::min(begin + limit, models.size());
  } else if (auto before = query_param(query, "before_id"); !before.empty()) {
    end = position(before);
    begin = end > limit ? end - limit : 0;
  } else {
    end = std::min(limit, models.size());
  }
  json::array data;
  for (size_t i = begin; i < end; ++i) data.push_back(anthropic_model(models[i]));
  json::object page{{"data", std::move(data)}, {"has_more", end < models.size()}};
  page["first_id"] = begin < end ? json::value(models[begin].id) : json::value(nullptr);
  page["last_id"] = begin < end ? json::value(models[end - 1].id) : json::value(nullptr);
  return page;
}

}  // namespace

asio::awaitable<void> Gateway::list_models(http::Request& request, http::ResponseWriter& writer,
                                           SurfaceCall call,
                                           std::optional<std::string> model_id) const {
  Exchange exchange(request, writer, *runtime_, call.dialect);
  std::vector<ModelEntry> models;
  for (const auto& [name, provider] : runtime_->providers()) {
    co_await fetch_models(*runtime_, *provider, name != call.default_provider, request.headers,
                          models);
  }
  bool anthropic = call.dialect == schema::Dialect::Anthropic;
  json::value answer;
  if (model_id) {
    auto it = std::find_if(models.begin(), models.end(),
                           [&](const ModelEntry& m) { return m.id == *model_id; });
    if (it == models.end()) {
      co_return co_await send_error(exchange,
                                    schema::Error::not_found("model: " + *model_id + " not found"));
    }
    answer = anthropic ? anthropic_model(*it) : openai_model(*it);
  } else if (anthropic) {
    answer = anthropic_page(models, request.query());
  } else {
    json::array data;
    for (const auto& model : models) data.push_back(openai_model(model));
    answer = json::object{{"object", "list"}, {"data", std::move(data)}};
  }
  exchange.status = 200;
  co_await writer.send(200, reply_headers(exchange, "application/json"), json::serialize(answer));
}

}  // namespace heimdall::engine
