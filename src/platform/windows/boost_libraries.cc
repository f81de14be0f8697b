// Boost.JSON and Boost.URL compiled into hvr from their own sources, as Boost documents
// for builds without the compiled libraries: Debian builds those for Linux only, so the
// Windows build has them here (cmake/HvrWindowsDependencies.cmake).

// Checked before any header, where Asio's own choice would depend on the order of
// includes: every source must see the same threads (cmake/HvrWindowsDependencies.cmake).
#if defined(__MINGW32__) && !defined(BOOST_ASIO_HAS_PTHREADS)
#error "MinGW builds define BOOST_ASIO_HAS_PTHREADS for every source (docs/windows.md, Threads)"
#endif

#include <boost/json/src.hpp>
#include <boost/url/src.hpp>
