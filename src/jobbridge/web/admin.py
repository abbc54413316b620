"""Reference data in the admin: read-only, searchable. It is loaded by migrations from the
shipped files; editing it by hand would drift from the official lists."""

from django.contrib import admin

from jobbridge.core.models import Grid, Industry, Occupation, OccupationAlias, Region


class ReadOnlyAdmin(admin.ModelAdmin):
    list_per_page = 100
    show_full_result_count = False  # counting ~45,000 regions on every page is wasted work

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name", "pinyin")
    list_select_related = ("parent",)


@admin.register(Occupation)
class OccupationAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "level")
    list_filter = ("level",)
    search_fields = ("code", "name")


@admin.register(OccupationAlias)
class OccupationAliasAdmin(ReadOnlyAdmin):
    list_display = ("alias", "occupation", "source")
    list_filter = ("source",)
    search_fields = ("alias", "occupation__name", "occupation__code")
    list_select_related = ("occupation",)


@admin.register(Industry)
class IndustryAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    list_select_related = ("parent",)


@admin.register(Grid)
class GridAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "township")
    search_fields = ("code", "name", "township__name")
    list_select_related = ("township",)
