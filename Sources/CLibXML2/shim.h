#ifndef DISCLOSURE_CLIBXML2_SHIM_H
#define DISCLOSURE_CLIBXML2_SHIM_H
/* Debian's libxml2 headers pull in the system ICU, which clashes with the ICU bundled in
   Foundation; the parser does not need ICU, so switch it off before the other headers. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlwriter.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlerror.h>

/* xmlFree is a global function pointer, which Swift 6 rejects as shared mutable state. */
static inline void disclosure_xml_free(void *p) { xmlFree(p); }
#endif
