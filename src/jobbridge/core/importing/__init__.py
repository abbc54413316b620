"""The shared roster-import machinery, on the ground floor so every app can own its importer.

    columns    Column, header_key, columns_index: how an importer declares its columns
    readers    open_roster: .xlsx/.xls/.csv into raw rows, FileError for a file that cannot be read
    engine     RowImporter, Outcome, RowError, kind_lock, import_file: the batch loop
    workbooks  write_columns_template, write_error_workbook
    parallel   RowCleaner: row cleaning in forked workers for large rosters

The importers live with their records (``people.importing``, ``employers.importing``,
``transfers.importing``, ``returns.importing``); the upload desk (``imports``) keeps the jobs.
"""
