# tessel_add_dialect(<Name> [DEPENDS <dialect>...] [LINK_LIBS <lib>...])
#
# Generates ops, dialect, types, attributes and (when <Name>Enums.td exists) enums of
# dialects/<Name> and builds them into the library Tessel<Name>.
function(tessel_add_dialect name)
  cmake_parse_arguments(ARG "" "" "DEPENDS;LINK_LIBS" ${ARGN})
  string(TOLOWER ${name} lower)
  set(LLVM_TARGET_DEFINITIONS ${name}Ops.td)
  mlir_tablegen(${name}Ops.h.inc -gen-op-decls)
  mlir_tablegen(${name}Ops.cpp.inc -gen-op-defs)
  mlir_tablegen(${name}Dialect.h.inc -gen-dialect-decls -dialect=${lower})
  mlir_tablegen(${name}Dialect.cpp.inc -gen-dialect-defs -dialect=${lower})
  mlir_tablegen(${name}Types.h.inc -gen-typedef-decls -typedefs-dialect=${lower})
  mlir_tablegen(${name}Types.cpp.inc -gen-typedef-defs -typedefs-dialect=${lower})
  mlir_tablegen(${name}Attrs.h.inc -gen-attrdef-decls -attrdefs-dialect=${lower})
  mlir_tablegen(${name}Attrs.cpp.inc -gen-attrdef-defs -attrdefs-dialect=${lower})
  # Enums get their own invocation: -gen-enum-decls emits every enum it sees, including those of
  # the dialects a .td includes.
  if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${name}Enums.td)
    set(LLVM_TARGET_DEFINITIONS ${name}Enums.td)
    mlir_tablegen(${name}Enums.h.inc -gen-enum-decls)
    mlir_tablegen(${name}Enums.cpp.inc -gen-enum-defs)
  endif()
  add_public_tablegen_target(Tessel${name}IncGen)

  set(incgen)
  foreach(dep ${ARG_DEPENDS})
    list(APPEND incgen Tessel${dep}IncGen)
  endforeach()
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  add_mlir_library(Tessel${name}
    ${sources}

    DEPENDS
    Tessel${name}IncGen
    ${incgen}

    LINK_LIBS PUBLIC
    MLIRIR
    MLIRSupport
    ${ARG_LINK_LIBS}
  )
endfunction()
