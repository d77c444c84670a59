/* libxml2, loaded when first used. Only the commands that read or write XML need it; linked in the
   ordinary way it (with the ICU, zlib and liblzma it brings) cost every command a fraction of a
   millisecond at start, more than some commands' own work. Each function the program calls is
   defined here under its own name and calls libxml2's, found with dlsym in the library opened on
   the first call. The definitions are hidden: libxml2 never sees them in place of its own. */
#include "shim.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

/* Every libxml2 function the program calls: return type, name, parameters, arguments (XV for those
   returning nothing). The compiler checks each line against libxml2's own declaration. */
#define DISCLOSURE_XML_FUNCTIONS(X, XV) \
    X(xmlParserCtxtPtr, xmlCreatePushParserCtxt, (xmlSAXHandlerPtr sax, void *user_data, const char *chunk, \
        int size, const char *filename), (sax, user_data, chunk, size, filename)) \
    X(int, xmlCtxtUseOptions, (xmlParserCtxtPtr ctxt, int options), (ctxt, options)) \
    XV(void, xmlFreeDoc, (xmlDocPtr cur), (cur)) \
    XV(void, xmlFreeParserCtxt, (xmlParserCtxtPtr ctxt), (ctxt)) \
    XV(void, xmlFreeTextReader, (xmlTextReaderPtr reader), (reader)) \
    XV(void, xmlFreeTextWriter, (xmlTextWriterPtr writer), (writer)) \
    X(long, xmlGetLineNo, (const xmlNode *node), (node)) \
    XV(void, xmlInitParser, (void), ()) \
    X(xmlTextWriterPtr, xmlNewTextWriter, (xmlOutputBufferPtr out), (out)) \
    X(xmlOutputBufferPtr, xmlOutputBufferCreateFd, (int fd, xmlCharEncodingHandlerPtr encoder), (fd, encoder)) \
    X(int, xmlParseChunk, (xmlParserCtxtPtr ctxt, const char *chunk, int size, int terminate), (ctxt, chunk, \
        size, terminate)) \
    X(xmlTextReaderPtr, xmlReaderForFile, (const char *filename, const char *encoding, int options), \
        (filename, encoding, options)) \
    X(int, xmlSAX2GetColumnNumber, (void *ctx), (ctx)) \
    X(int, xmlSAX2GetLineNumber, (void *ctx), (ctx)) \
    XV(void, xmlSchemaFree, (xmlSchemaPtr schema), (schema)) \
    XV(void, xmlSchemaFreeParserCtxt, (xmlSchemaParserCtxtPtr ctxt), (ctxt)) \
    XV(void, xmlSchemaFreeValidCtxt, (xmlSchemaValidCtxtPtr ctxt), (ctxt)) \
    X(int, xmlSchemaIsValid, (xmlSchemaValidCtxtPtr ctxt), (ctxt)) \
    X(xmlSchemaParserCtxtPtr, xmlSchemaNewMemParserCtxt, (const char *buffer, int size), (buffer, size)) \
    X(xmlSchemaValidCtxtPtr, xmlSchemaNewValidCtxt, (xmlSchemaPtr schema), (schema)) \
    X(xmlSchemaPtr, xmlSchemaParse, (xmlSchemaParserCtxtPtr ctxt), (ctxt)) \
    X(xmlSchemaSAXPlugPtr, xmlSchemaSAXPlug, (xmlSchemaValidCtxtPtr ctxt, xmlSAXHandlerPtr *sax, \
        void **user_data), (ctxt, sax, user_data)) \
    X(int, xmlSchemaSAXUnplug, (xmlSchemaSAXPlugPtr plug), (plug)) \
    XV(void, xmlSchemaSetValidStructuredErrors, (xmlSchemaValidCtxtPtr ctxt, xmlStructuredErrorFunc serror, \
        void *ctx), (ctxt, serror, ctx)) \
    XV(void, xmlSchemaValidateSetLocator, (xmlSchemaValidCtxtPtr vctxt, xmlSchemaValidityLocatorFunc f, \
        void *ctxt), (vctxt, f, ctxt)) \
    XV(void, xmlSetGenericErrorFunc, (void *ctx, xmlGenericErrorFunc handler), (ctx, handler)) \
    XV(void, xmlStopParser, (xmlParserCtxtPtr ctxt), (ctxt)) \
    X(const xmlChar *, xmlTextReaderConstLocalName, (xmlTextReaderPtr reader), (reader)) \
    X(const xmlChar *, xmlTextReaderConstNamespaceUri, (xmlTextReaderPtr reader), (reader)) \
    X(const xmlChar *, xmlTextReaderConstValue, (xmlTextReaderPtr reader), (reader)) \
    X(xmlNodePtr, xmlTextReaderCurrentNode, (xmlTextReaderPtr reader), (reader)) \
    X(int, xmlTextReaderDepth, (xmlTextReaderPtr reader), (reader)) \
    X(int, xmlTextReaderGetParserColumnNumber, (xmlTextReaderPtr reader), (reader)) \
    X(int, xmlTextReaderGetParserLineNumber, (xmlTextReaderPtr reader), (reader)) \
    X(int, xmlTextReaderIsEmptyElement, (xmlTextReaderPtr reader), (reader)) \
    X(int, xmlTextReaderIsNamespaceDecl, (xmlTextReaderPtr reader), (reader)) \
    X(int, xmlTextReaderIsValid, (xmlTextReaderPtr reader), (reader)) \
    X(int, xmlTextReaderMoveToElement, (xmlTextReaderPtr reader), (reader)) \
    X(int, xmlTextReaderMoveToNextAttribute, (xmlTextReaderPtr reader), (reader)) \
    X(int, xmlTextReaderNodeType, (xmlTextReaderPtr reader), (reader)) \
    X(int, xmlTextReaderRead, (xmlTextReaderPtr reader), (reader)) \
    X(int, xmlTextReaderSetSchema, (xmlTextReaderPtr reader, xmlSchemaPtr schema), (reader, schema)) \
    XV(void, xmlTextReaderSetStructuredErrorHandler, (xmlTextReaderPtr reader, xmlStructuredErrorFunc f, \
        void *arg), (reader, f, arg)) \
    X(int, xmlTextWriterEndDocument, (xmlTextWriterPtr writer), (writer)) \
    X(int, xmlTextWriterEndElement, (xmlTextWriterPtr writer), (writer)) \
    X(int, xmlTextWriterFlush, (xmlTextWriterPtr writer), (writer)) \
    X(int, xmlTextWriterSetIndent, (xmlTextWriterPtr writer, int indent), (writer, indent)) \
    X(int, xmlTextWriterStartDocument, (xmlTextWriterPtr writer, const char *version, const char *encoding, \
        const char *standalone), (writer, version, encoding, standalone)) \
    X(int, xmlTextWriterStartElement, (xmlTextWriterPtr writer, const xmlChar * name), (writer, name)) \
    X(int, xmlTextWriterWriteAttribute, (xmlTextWriterPtr writer, const xmlChar * name, \
        const xmlChar * content), (writer, name, content)) \
    X(int, xmlTextWriterWriteRawLen, (xmlTextWriterPtr writer, const xmlChar * content, int len), (writer, \
        content, len))

static struct {
#define FIELD(ret, name, params, args) ret (*name) params;
    DISCLOSURE_XML_FUNCTIONS(FIELD, FIELD)
#undef FIELD
    xmlFreeFunc *free;
} xml;

static pthread_once_t loaded = PTHREAD_ONCE_INIT;

static void *find(void *library, const char *name) {
    void *symbol = dlsym(library, name);
    if (symbol == NULL) {
        fprintf(stderr, "错误：libxml2 缺少 %s（版本过旧？）/ error: libxml2 lacks %s (too old?)\n", name, name);
        exit(70);
    }
    return symbol;
}

static void load(void) {
    void *library = dlopen("libxml2.so.2", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        const char *why = dlerror();
        fprintf(stderr,
                "错误：读写 XML 需要 libxml2，未能载入（%s）；请安装：apt-get install libxml2\n"
                "error: reading and writing XML needs libxml2, which could not be loaded (%s); "
                "install it: apt-get install libxml2\n",
                why, why);
        exit(70);
    }
#define LOOKUP(ret, name, params, args) xml.name = (ret (*) params)find(library, #name);
    DISCLOSURE_XML_FUNCTIONS(LOOKUP, LOOKUP)
#undef LOOKUP
    xml.free = (xmlFreeFunc *)find(library, "xmlFree");
}

#define DEFINE(ret, name, params, args) \
    __attribute__((visibility("hidden"))) ret name params { \
        pthread_once(&loaded, load); \
        return xml.name args; \
    }
#define DEFINE_VOID(ret, name, params, args) \
    __attribute__((visibility("hidden"))) void name params { \
        pthread_once(&loaded, load); \
        xml.name args; \
    }
DISCLOSURE_XML_FUNCTIONS(DEFINE, DEFINE_VOID)
#undef DEFINE
#undef DEFINE_VOID

void disclosure_xml_free(void *p) {
    pthread_once(&loaded, load);
    (*xml.free)(p);
}
