#ifndef NEWSPIPE_CLIBXML2_SHIM_H
#define NEWSPIPE_CLIBXML2_SHIM_H
/* Debian's libxml2 is built with ICU and its encoding.h then includes the system ICU headers,
   whose UErrorCode clashes with Foundation's bundled _FoundationICU in the same Swift module.
   Nothing here uses libxml2's ICU converter fields, so hide them. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlmemory.h>
#endif
