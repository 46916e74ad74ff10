from django.http import HttpResponse


def home(request):
    return HttpResponse("placeholder")


provider_detail = owner_detail = inspection_detail = home
