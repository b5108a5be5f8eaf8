openarc_module(server DEPS openarc_llm openarc_convert openarc_web openarc_core nlohmann_json::nlohmann_json Threads::Threads)
# Boost.Beast + Asio (header-only, Debian's libboost-dev) are the HTTP transport; only
# http_server.cpp includes them.
find_package(Boost 1.74 REQUIRED CONFIG)
target_link_libraries(openarc_server PRIVATE Boost::headers)
target_compile_definitions(openarc_server PRIVATE BOOST_ASIO_NO_DEPRECATED BOOST_BEAST_USE_STD_STRING_VIEW)
