// HttpClient over HTTPS against a local TLS server whose self-signed certificate is made at test
// time: the connection must fail while the certificate is untrusted (verification is on), succeed
// once ClientOptions::extra_ca_pem trusts it, and fail again when the name does not match.
#include "http/client.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <memory>
#include <string>
#include <thread>

namespace heimdall::http {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using schema::ErrorCode;
using test::run_coro;

struct SelfSigned {
  std::string cert_pem;
  std::string key_pem;
};

std::string bio_to_string(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(size));
}

// A P-256 key and a self-signed certificate valid for one hour for `subject_alt_name`.
SelfSigned make_self_signed(const char* subject_alt_name) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
  if (!key || !cert) {
    throw std::runtime_error("openssl: cannot create key or certificate");
  }
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("heimdall test"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, subject_alt_name);
  X509_add_ext(cert.get(), san, -1);
  X509_EXTENSION_free(san);
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    throw std::runtime_error("openssl: cannot sign certificate");
  }
  std::unique_ptr<BIO, decltype(&BIO_free)> cert_bio(BIO_new(BIO_s_mem()), BIO_free);
  std::unique_ptr<BIO, decltype(&BIO_free)> key_bio(BIO_new(BIO_s_mem()), BIO_free);
  PEM_write_bio_X509(cert_bio.get(), cert.get());
  PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  return {bio_to_string(cert_bio.get()), bio_to_string(key_bio.get())};
}

// A TLS server on its own thread that answers every request with "hello tls".
class TlsServer {
 public:
  explicit TlsServer(const SelfSigned& identity)
      : context_(ssl::context::tls_server),
        acceptor_(ioc_, {asio::ip::make_address("127.0.0.1"), 0}) {
    context_.use_certificate_chain(asio::buffer(identity.cert_pem));
    context_.use_private_key(asio::buffer(identity.key_pem), ssl::context::pem);
    asio::co_spawn(ioc_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~TlsServer() {
    ioc_.stop();
    thread_.join();
  }
  uint16_t port() const { return acceptor_.local_endpoint().port(); }

 private:
  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto socket = co_await acceptor_.async_accept(asio::use_awaitable);
      asio::co_spawn(ioc_, serve(std::move(socket)), asio::detached);
    }
  }

  asio::awaitable<void> serve(asio::ip::tcp::socket socket) {
    ssl::stream<asio::ip::tcp::socket> stream(std::move(socket), context_);
    co_await stream.async_handshake(ssl::stream_base::server, asio::use_awaitable);
    std::string request;
    co_await asio::async_read_until(stream, asio::dynamic_buffer(request), "\r\n\r\n",
                                    asio::use_awaitable);
    const std::string_view reply =
        "HTTP/1.1 200 OK\r\nContent-Length: 9\r\nConnection: close\r\n\r\nhello tls";
    co_await asio::async_write(stream, asio::buffer(reply), asio::use_awaitable);
  }

  asio::io_context ioc_;
  ssl::context context_;
  asio::ip::tcp::acceptor acceptor_;
  std::thread thread_;
};

struct Outcome {
  bool ok = false;
  int status = 0;
  std::string body;
  ErrorCode code = ErrorCode::Internal;
  std::string message;
};

Outcome fetch(const std::string& url, ClientOptions options) {
  Outcome outcome;
  run_coro([&](asio::io_context& ioc) -> asio::awaitable<void> {
    HttpClient client(ioc.get_executor(), options);
    ClientRequest req;
    req.method = "GET";
    req.url = url;
    req.timeouts.connect = std::chrono::seconds(5);
    auto response = co_await client.send(std::move(req));
    if (!response) {
      outcome.code = response.error().code;
      outcome.message = response.error().message;
      co_return;
    }
    outcome.status = (*response)->status();
    auto body = co_await (*response)->read_all(1024);
    outcome.ok = body.has_value();
    outcome.body = body ? *body : std::string();
  });
  return outcome;
}

class HttpClientTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { identity_ = new SelfSigned(make_self_signed("DNS:localhost")); }
  static void TearDownTestSuite() { delete identity_; }
  static SelfSigned* identity_;
};
SelfSigned* HttpClientTlsTest::identity_ = nullptr;

TEST_F(HttpClientTlsTest, UntrustedSelfSignedCertificateFailsVerification) {
  TlsServer server(*identity_);
  const auto outcome = fetch("https://localhost:" + std::to_string(server.port()) + "/", {});
  EXPECT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.status, 0);
  EXPECT_EQ(outcome.code, ErrorCode::Unavailable);
  EXPECT_NE(outcome.message.find("certificate verify failed"), std::string::npos)
      << outcome.message;
}

TEST_F(HttpClientTlsTest, TrustedCertificateSucceeds) {
  TlsServer server(*identity_);
  ClientOptions options;
  options.extra_ca_pem = identity_->cert_pem;
  const auto outcome =
      fetch("https://localhost:" + std::to_string(server.port()) + "/hello", options);
  EXPECT_TRUE(outcome.ok) << outcome.message;
  EXPECT_EQ(outcome.status, 200);
  EXPECT_EQ(outcome.body, "hello tls");
}

TEST_F(HttpClientTlsTest, TrustedCertificateForAnotherNameFailsHostnameCheck) {
  TlsServer server(*identity_);
  ClientOptions options;
  options.extra_ca_pem = identity_->cert_pem;
  // The certificate names "localhost" only; 127.0.0.1 is the same server under another name.
  const auto outcome = fetch("https://127.0.0.1:" + std::to_string(server.port()) + "/", options);
  EXPECT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.code, ErrorCode::Unavailable);
  EXPECT_NE(outcome.message.find("certificate verify failed"), std::string::npos)
      << outcome.message;
}

TEST_F(HttpClientTlsTest, VerificationCanBeTurnedOff) {
  TlsServer server(*identity_);
  ClientOptions options;
  options.verify_tls = false;
  const auto outcome = fetch("https://127.0.0.1:" + std::to_string(server.port()) + "/", options);
  EXPECT_TRUE(outcome.ok) << outcome.message;
  EXPECT_EQ(outcome.body, "hello tls");
}

}  // namespace
}  // namespace heimdall::http
