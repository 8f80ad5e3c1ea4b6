"""Spanish news prose written for the tests (ordinary sentences of the kind a state attorney
general's office publishes in both languages), with the English they stand beside."""

RELEASES_ES = [
    ("La fiscal general demanda a una empresa de agua por contaminar los pozos",
     "La fiscal general presentó hoy una demanda contra la empresa que contaminó los pozos de agua "
     "potable de tres pueblos del norte del estado. Según la demanda, la compañía sabía desde hace años "
     "que los químicos llegaban a las aguas subterráneas y no avisó a las familias."),
    ("Acuerdo con un concesionario de autos por préstamos engañosos",
     "La oficina anunció un acuerdo con un concesionario de automóviles que cobraba intereses ocultos "
     "a sus clientes. Los compradores afectados recibirán devoluciones y el concesionario pagará una "
     "multa al estado."),
    ("Advertencia a los consumidores sobre estafas telefónicas",
     "Las autoridades advierten a los residentes que no compartan sus datos bancarios por teléfono. "
     "Los estafadores se hacen pasar por empleados del gobierno y exigen pagos inmediatos."),
    ("Nuevas protecciones para inquilinos en viviendas alquiladas",
     "Una nueva ley protege a los inquilinos de los desalojos sin aviso previo. Los propietarios "
     "deberán reparar las viviendas en un plazo de treinta días."),
]

RELEASES_EN = [
    ("Attorney General sues water company over contaminated wells",
     "The Attorney General filed suit today against the company that contaminated the drinking water "
     "wells of three towns in the north of the state."),
    ("Settlement with car dealer over deceptive loans",
     "The office announced a settlement with a car dealer that charged hidden interest to its customers."),
    ("Consumers warned about telephone scams",
     "Officials warn residents not to share their bank details over the phone."),
]
