#ifndef NEWSPIPE_CLIBXML2_SHIM_H
#define NEWSPIPE_CLIBXML2_SHIM_H
#include <libxml/parser.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlmemory.h>
#endif
