# The dashboard (issue 12): the files under static/ compiled into the binary as byte arrays by
# embed_assets.cmake at build time (no xxd, nothing fetched at run time), each with its content
# type and an ETag taken from its SHA-256.
file(GLOB_RECURSE OPENARC_WEB_FILES CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/static/*)
set(OPENARC_WEB_GENERATED ${PROJECT_BINARY_DIR}/generated/web_assets.cpp)
add_custom_command(OUTPUT ${OPENARC_WEB_GENERATED}
  COMMAND ${CMAKE_COMMAND} -DSTATIC_DIR=${CMAKE_CURRENT_LIST_DIR}/static -DOUT=${OPENARC_WEB_GENERATED}
          -P ${CMAKE_CURRENT_LIST_DIR}/embed_assets.cmake
  DEPENDS ${OPENARC_WEB_FILES} ${CMAKE_CURRENT_LIST_DIR}/embed_assets.cmake
  COMMENT "Embedding the dashboard's files")
add_library(openarc_web STATIC ${CMAKE_CURRENT_LIST_DIR}/assets.cpp ${OPENARC_WEB_GENERATED})
target_include_directories(openarc_web PUBLIC ${PROJECT_SOURCE_DIR}/src)
