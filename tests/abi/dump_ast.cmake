# cmake -DCLANG=... -DHEADER=... -DOUT=... -P dump_ast.cmake: clang's JSON dump of the
# declarations of hvr.h, as C99 (what hvr_abi reads the ABI from).
execute_process(
  COMMAND ${CLANG} -x c -std=c99 -fsyntax-only -Xclang -ast-dump=json ${HEADER}
  OUTPUT_FILE ${OUT}
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  file(REMOVE ${OUT})
  message(FATAL_ERROR "${CLANG} could not read ${HEADER}")
endif()
