// Boost.JSON and Boost.URL compiled into hvr from their own sources, as Boost documents
// for builds without the compiled libraries: Debian builds those for Linux only, so the
// Windows build has them here (cmake/HvrWindowsDependencies.cmake).
#include <boost/json/src.hpp>
#include <boost/url/src.hpp>
