"""ulm_knowledge: the city's services and answers, searched in German, inside the ticket."""
