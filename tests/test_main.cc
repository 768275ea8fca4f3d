// Entry point of the Catch2 test suite.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
