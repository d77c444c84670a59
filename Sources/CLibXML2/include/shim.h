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
#include <libxml/SAX2.h>

/* xmlFree is a global function pointer, which Swift 6 rejects as shared mutable state; this calls
   it (libxml2.c). */
void disclosure_xml_free(void *p);

/* The encoding layer reports through libxml2's generic handler, which prints to stderr in English
   beside our own message; errors reach the user through the reader's structured errors instead.
   The handler is per thread, and variadic, which Swift cannot define. */
static void disclosure_xml_ignore(void *ctx, const char *msg, ...) { (void)ctx; (void)msg; }
static inline void disclosure_xml_silence_generic_errors(void) { xmlSetGenericErrorFunc(NULL, disclosure_xml_ignore); }
#endif
