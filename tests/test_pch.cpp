// Compiles nothing of its own: the target that builds the test suites' precompiled header
// (tests/CMakeLists.txt).
