# The warning set of the project's style guide, applied to every target we build.
add_compile_options(-Wall -Wextra -Wpedantic -Wshadow -Wformat=2 -Wstrict-prototypes
                    -Wmissing-prototypes -Wvla -Wno-unused-parameter)
if(SLUICE_WERROR)
  add_compile_options(-Werror)
endif()
