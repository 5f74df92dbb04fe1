SELECT * FROM events WHERE day = '{{ ds }}'
