"""The upload desk's table: which importer (and so which columns) serves each kind of roster.

The importers live with the records they write and know nothing of the desk; the desk, on a
floor above them, only looks them up here. A new kind is a line in ``ImportKind`` and one here.
"""

from django.utils.translation import gettext as _

from jobbridge.core.importing.columns import Column
from jobbridge.core.importing.engine import RowImporter
from jobbridge.core.importing.readers import FileError
from jobbridge.core.importing.workbooks import write_columns_template
from jobbridge.employers.importing import EnterpriseImporter, PostingImporter
from jobbridge.people.importing import SeekerImporter
from jobbridge.transfers.importing import TransferImporter

from .models import ImportKind

IMPORTERS: dict[str, type[RowImporter]] = {
    ImportKind.SEEKERS: SeekerImporter,
    ImportKind.ENTERPRISES: EnterpriseImporter,
    ImportKind.POSTINGS: PostingImporter,
    ImportKind.TRANSFERS: TransferImporter,
}
COLUMNS: dict[str, tuple[Column, ...]] = {kind: importer.columns for kind, importer in IMPORTERS.items()}


def importer_class(kind: str) -> type[RowImporter]:
    if kind not in IMPORTERS:
        raise FileError(_("未知的导入类型“%(k)s”") % {"k": kind})
    return IMPORTERS[kind]


def write_template(target, kind: str) -> None:
    """A template for ``kind`` (a path or a binary file object): headers and a notes sheet."""
    write_columns_template(target, importer_class(kind).columns, _("数据"))
