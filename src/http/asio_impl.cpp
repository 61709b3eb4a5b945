// The one translation unit that compiles Asio, Asio.SSL and Beast (separate compilation, see
// STACK.md §5): every other TU only declares their operations, which keeps rebuilds short.
// The build defines BOOST_ASIO_SEPARATE_COMPILATION and BOOST_BEAST_SEPARATE_COMPILATION globally.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
