# cmake -DIN=x.cu -DOUT=x.cpp -P translate.cmake: CUDA source -> C++ for the emulator. Launches
# kernel<<<config>>>(args) become nezha_emu::Launch(config).run(kernel, args), and the dynamic shared
# memory declaration a pointer to the running block's shared memory; #line keeps diagnostics on IN.
file(READ "${IN}" source)
string(REGEX REPLACE "extern __shared__ (__align__\\([0-9]+\\) )?unsigned char ([A-Za-z_][A-Za-z_0-9]*)\\[\\];"
       "unsigned char* \\2 = ::nezha_emu::dynamic_shared_memory();" source "${source}")
string(REGEX REPLACE "([A-Za-z_][A-Za-z_0-9]*(<[^<>;]*>)?)<<<([^;]*)>>>\\("
       "::nezha_emu::Launch(\\3).run(\\1, " source "${source}")
if(source MATCHES "<<<|extern __shared__")
  message(FATAL_ERROR "${IN}: a launch or shared-memory declaration the emulator translation does not handle")
endif()
file(WRITE "${OUT}" "// Generated from ${IN} for the CUDA emulator (native/tests/cuda_emulation); do not edit.\n#line 1 \"${IN}\"\n${source}")
